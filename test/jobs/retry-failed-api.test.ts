import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as retry from "@/app/api/v1/jobs/[job]/retry-failed/route";
import * as one from "@/app/api/v1/jobs/[job]/route";
import { createApiToken } from "@/lib/api-tokens/api-tokens";
import { db } from "@/lib/db";
import { invokeJob } from "@/lib/jobs/invoke-job";
import { deploymentFixture } from "../support/jobs";
import { serveRoutes } from "../webhooks/helpers";

let api: Awaited<ReturnType<typeof serveRoutes>>;
let token: string;
let jobName: string;

beforeAll(async () => {
  api = await serveRoutes([
    { pattern: /^\/api\/v1\/jobs\/([^/]+)$/, params: (m) => ({ job: m[1] }), methods: one },
    { pattern: /^\/api\/v1\/jobs\/([^/]+)\/retry-failed$/, params: (m) => ({ job: m[1] }), methods: retry },
  ]);
  const fx = await deploymentFixture({
    code: { files: { "score.py": "def init(): pass\ndef run(b): return b\n" } },
    scoringScript: "score.py",
  });
  token = (await createApiToken({ workspaceId: fx.workspace.id, actor: fx.actor, name: "ci", role: "scientist" })).token;
  const { job } = await invokeJob({
    workspaceId: fx.workspace.id,
    actor: fx.actor,
    endpointName: "scorer",
    input: { input: { type: "uri_folder", path: "datastores/workspaceblobstore/paths/in/" } },
  });
  jobName = job.name;
});
afterAll(async () => api?.close());

const post = (body: unknown) =>
  fetch(`${api.origin}/api/v1/jobs/${jobName}/retry-failed`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  }).then(async (r) => ({ status: r.status, json: await r.json() }));

describe("POST /api/v1/jobs/{job}/retry-failed", () => {
  it("refuses unknown fields and unknown versions with 400 naming them, and changes nothing", async () => {
    const unknown = await post({ deploymentVersoin: "current" });
    expect(unknown.status).toBe(400);
    expect(unknown.json.error.message).toBe("Unknown field 'deploymentVersoin'; did you mean 'deploymentVersion'?");
    const bad = await post({ deploymentVersion: "latest" });
    expect(bad.status).toBe(400);
    expect(bad.json.error.details.fieldErrors.deploymentVersion[0]).toMatch(/Use "job" \(the version the job ran\) or "current"/);
    expect(await db.jobRetryRound.count({ where: { job: { name: jobName } } })).toBe(0);
  });

  it("answers 409 for a job that has not finished, and shows retryRounds on the job", async () => {
    expect((await post({ deploymentVersion: "current" })).status).toBe(409);
    const res = await fetch(`${api.origin}/api/v1/jobs/${jobName}`, { headers: { authorization: `Bearer ${token}` } });
    expect(await res.json()).toMatchObject({ name: jobName, status: "queued", retryRounds: [] });
  });
});
