import { BlobServiceClient } from "@azure/storage-blob";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as dsFile from "@/app/api/v1/datastores/[datastore]/files/[...path]/route";
import * as dsFiles from "@/app/api/v1/datastores/[datastore]/files/route";
import * as jobsRoute from "@/app/api/v1/endpoints/[endpoint]/jobs/route";
import { createApiToken } from "@/lib/api-tokens/api-tokens";
import { createDatastore } from "@/lib/datastores/datastores";
import { db } from "@/lib/db";
import { outputPrefix } from "@/lib/jobs/finalize-job";
import { startJob } from "@/lib/jobs/job-commands";
import { readBlobText } from "@/lib/storage";
import { startFunctionsServer } from "../support/functions-server";
import { deploymentFixture, PYTHON, waitForJob } from "../support/jobs";
import { serveRoutes } from "../webhooks/helpers";

let functions: Awaited<ReturnType<typeof startFunctionsServer>>;
let api: Awaited<ReturnType<typeof serveRoutes>>;
let fx: Awaited<ReturnType<typeof deploymentFixture>>;
let scientist: string;
beforeAll(async () => {
  functions = await startFunctionsServer();
  api = await serveRoutes([
    { pattern: /^\/api\/v1\/datastores\/([^/]+)\/files$/, params: (m) => ({ datastore: m[1] }), methods: dsFiles },
    {
      pattern: /^\/api\/v1\/datastores\/([^/]+)\/files\/(.+)$/,
      params: (m) => ({ datastore: m[1], path: m[2].split("/") }),
      methods: dsFile,
    },
    { pattern: /^\/api\/v1\/endpoints\/([^/]+)\/jobs$/, params: (m) => ({ endpoint: m[1] }), methods: jobsRoute },
  ]);
  // run() reports each input's local path relative to the mini-batch's input folder, and its content.
  const code =
    "import os\ndef init(): pass\ndef run(batch):\n    return [os.path.relpath(p, os.environ['BATCH_INPUT_DIR']) + '=' + open(p).read() for p in batch]\n";
  fx = await deploymentFixture({ code: { files: { "score.py": code } }, scoringScript: "score.py", interpreter: PYTHON });
  scientist = (await createApiToken({ workspaceId: fx.workspace.id, actor: fx.actor, name: "sci", role: "scientist" })).token;
});
afterAll(async () => {
  await functions?.close();
  await api?.close();
});

async function call(method: string, path: string, body?: string, contentType = "text/plain") {
  const res = await fetch(`${api.origin}${path}`, {
    method,
    headers: { authorization: `Bearer ${scientist}`, "content-type": contentType },
    body,
  });
  const text = await res.text();
  return { status: res.status, text, json: text ? JSON.parse(text) : null };
}

describe("names that could escape are refused at upload", () => {
  it("backslashes, '..', NUL and CRLF answer 400 naming the path, and nothing is stored", async () => {
    for (const [encoded, why] of [
      ["a%5C..%5C..%5Cws-other%5Cx.txt", /backslash/],
      ["..%2F..%2Fws-other%2Fx.txt", /'\.\.' segment/],
      ["a%00b.txt", /control character \(NUL\)/],
      ["a%0D%0Ab.txt", /control character \(CR\)/],
      ["%2Fetc%2Fpasswd", /absolute path|empty folder/],
    ] as const) {
      const res = await call("PUT", `/api/v1/datastores/workspaceblobstore/files/up/${encoded}`, "payload");
      expect(res.status, encoded).toBe(400);
      expect(res.json.error.details.fieldErrors.path[0]).toMatch(why);
    }
    const listing = await call("GET", "/api/v1/datastores/workspaceblobstore/files?prefix=up/");
    expect(listing.json).toMatchObject({ folders: [], files: [], refused: [] });
    const ok = await call("PUT", "/api/v1/datastores/workspaceblobstore/files/up/fine.txt", "payload");
    expect(ok.status).toBe(201);
  });

  it("a job input or output path with '..' or a backslash is refused at invoke", async () => {
    const bad = await call(
      "POST",
      "/api/v1/endpoints/scorer/jobs",
      JSON.stringify({ input: { type: "uri_folder", path: "datastores/workspaceblobstore/paths/up/../../ws-x/" } }),
      "application/json",
    );
    expect(bad.status).toBe(400);
    expect(bad.text).toMatch(/'\.\.' segment/);
  });
});

describe("a foreign container with hostile names", () => {
  it("lists and scores only the safe names, reports the others, and never reads another container or writes outside the work dir", async () => {
    const tenant = BlobServiceClient.fromConnectionString(process.env.TEST_TENANT_STORAGE_CONNECTION_STRING!);
    const drop = tenant.getContainerClient(`drop${Date.now()}`);
    const victim = tenant.getContainerClient("victim");
    await drop.createIfNotExists();
    await victim.createIfNotExists();
    await victim.getBlockBlobClient("secret.txt").upload("victim-secret", 13);
    // Written by someone else's tool, straight to the container: names Batchpoint would never accept.
    for (const name of ["in/ok.txt", "in\\..\\..\\victim\\secret.txt", "in/a\nb.txt", "in/..\\..\\escape.txt"]) {
      await drop
        .getBlockBlobClient(name)
        .upload("x", 1)
        .catch(() => {});
    }
    await drop.getBlockBlobClient("in/ok.txt").upload("fine", 4);
    await createDatastore({
      workspaceId: fx.workspace.id,
      actor: fx.actor,
      input: {
        auth: "connection_string",
        name: "foreign",
        containerName: drop.containerName,
        connectionString: process.env.TEST_TENANT_STORAGE_CONNECTION_STRING!,
      },
    });

    const listing = await call("GET", "/api/v1/datastores/foreign/files?prefix=in/");
    expect(listing.status).toBe(200);
    expect(listing.json.files.map((f: { path: string }) => f.path)).toEqual(["in/ok.txt"]);
    const listed: string[] = [];
    for await (const b of drop.listBlobsFlat({ prefix: "in" })) listed.push(b.name);
    const hostile = listed.filter((n) => n !== "in/ok.txt");
    expect(hostile.length).toBeGreaterThan(0);
    expect(listing.json.folders).toEqual([]);
    expect(listing.json.refused.map((r: { name: string }) => r.name).sort()).toEqual(["in/../", "in/a\nb.txt"]);
    for (const r of listing.json.refused) expect(r.reason).toMatch(/'\.\.'|control|backslash|empty/);

    const { job } = await startJob({
      workspaceId: fx.workspace.id,
      actor: fx.actor,
      endpointName: "scorer",
      input: { input: { type: "uri_folder", path: "datastores/foreign/paths/in/" } },
    });
    const done = await waitForJob(job.id);
    expect(done).toMatchObject({ status: "completed", filesTotal: 1, filesCompleted: 1 });
    const target = await (await import("@/lib/datastores/datastores")).getDefaultStorageTarget(fx.workspace.id);
    const out = await readBlobText(target, outputPrefix(done.outputPath) + "predictions.csv");
    expect(out.trim()).toBe("ok.txt=fine");
    expect(out).not.toContain("victim-secret");
    const mbs = await db.miniBatch.findMany({ where: { jobId: job.id } });
    expect(mbs.flatMap((m) => m.items as string[])).toEqual(["in/ok.txt"]);
  });
});
