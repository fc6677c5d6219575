import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as output from "@/app/api/v1/jobs/[job]/output/route";
import * as outputFile from "@/app/api/v1/jobs/[job]/outputs/[...path]/route";
import { createApiToken } from "@/lib/api-tokens/api-tokens";
import { createDatastore } from "@/lib/datastores/datastores";
import { db } from "@/lib/db";
import { previewJobOutput } from "@/lib/jobs/job-details";
import { createStoredJob, createUserWithWorkspace } from "../support/factories";
import { serveRoutes } from "../webhooks/helpers";

// A finished job whose files are gone from storage (deleted by hand, a lifecycle rule): a 404 that names
// the file, on a filesystem datastore as on Azure Blob, never a 500, and the job page's preview says so.
let api: Awaited<ReturnType<typeof serveRoutes>>;
let a: Awaited<ReturnType<typeof createUserWithWorkspace>>;
let token: string;
beforeAll(async () => {
  api = await serveRoutes([
    { pattern: /^\/api\/v1\/jobs\/([^/]+)\/output$/, params: (m) => ({ job: m[1] }), methods: output },
    { pattern: /^\/api\/v1\/jobs\/([^/]+)\/outputs\/(.+)$/, params: (m) => ({ job: m[1], path: m[2].split("/") }), methods: outputFile },
  ]);
  a = await createUserWithWorkspace("missing-output");
  token = (await createApiToken({ workspaceId: a.workspace.id, actor: { userId: a.user.id }, name: "r", role: "reader" })).token;
  await createDatastore({ workspaceId: a.workspace.id, actor: { userId: a.user.id }, input: { kind: "filesystem", name: "localfs" } });
  for (const [name, store] of [
    ["on-fs", "localfs"],
    ["on-blob", "workspaceblobstore"],
  ]) {
    const job = await createStoredJob(a.workspace.id, { name, outputPath: `datastores/${store}/paths/out-${name}/`, status: "completed" });
    // The script's file was recorded when it was published, and is gone since.
    await db.jobOutputFile.create({
      data: { workspaceId: a.workspace.id, jobId: job.id, path: "plots/roc.png", miniBatchIndex: 0, size: 10 },
    });
  }
});
afterAll(async () => api?.close());

async function get(path: string) {
  const res = await fetch(`${api.origin}${path}`, { headers: { authorization: `Bearer ${token}` } });
  const text = await res.text();
  return { status: res.status, text, json: JSON.parse(text) };
}

describe.each(["on-fs", "on-blob"])("a finished job %s whose output files are missing", (job) => {
  it("answers a listed script file that is gone with a 404 naming it", async () => {
    const res = await get(`/api/v1/jobs/${job}/outputs/plots/roc.png`);
    expect(res.status).toBe(404);
    expect(res.json.error).toMatchObject({ code: "NOT_FOUND", message: expect.stringContaining("plots/roc.png") });
    expect(res.text).not.toMatch(/ENOENT|BlobNotFound|\.data\/|datastores\/[a-z0-9]{20}/);
  });

  it("answers the missing predictions with a 404, and the page's preview says the file is not there", async () => {
    const res = await get(`/api/v1/jobs/${job}/output`);
    expect(res.status).toBe(404);
    expect(res.json.error.message).toContain("has no predictions.csv");
    expect(await previewJobOutput({ workspaceId: a.workspace.id, name: job })).toEqual({
      columns: null,
      reason: expect.stringContaining("has no predictions.csv"),
    });
  });
});
