import { existsSync, readdirSync } from "node:fs";
import path from "node:path";
import { unzipSync } from "fflate";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDeployment } from "@/lib/deployments/create-deployment";
import { createEndpoint } from "@/lib/endpoints/create-endpoint";
import * as dsFile from "@/app/api/v1/datastores/[datastore]/files/[...path]/route";
import * as dsFiles from "@/app/api/v1/datastores/[datastore]/files/route";
import * as datastores from "@/app/api/v1/datastores/route";
import { createApiToken } from "@/lib/api-tokens/api-tokens";
import { getStorageTargetOrThrow } from "@/lib/datastores/datastores";
import { deleteDatastoreItems, zipDatastoreItems } from "@/lib/datastores/files";
import { db } from "@/lib/db";
import { outputPrefix } from "@/lib/jobs/finalize-job";
import { startJob } from "@/lib/jobs/job-commands";
import { blobExists, listBlobs, readBlobText, type StorageTarget, uploadBlob } from "@/lib/storage";
import { storeDir } from "@/lib/storage/filesystem";
import { startFunctionsServer } from "../support/functions-server";
import { deploymentFixture, PYTHON, uploadPngs, waitForJob } from "../support/jobs";
import { serveRoutes } from "../webhooks/helpers";

// run() reports, for each input, the path it was handed and the file's size: inputs of a filesystem
// datastore must be paths inside the sandbox's read-only datastores mount (read in place, not copied).
const CODE = `
import os
def init(): pass
def run(batch):
    return [f"{p}|{os.path.getsize(p)}|{os.environ.get('BATCH_INPUT_DIR')}" for p in batch]
`;

let functions: Awaited<ReturnType<typeof startFunctionsServer>>;
let api: Awaited<ReturnType<typeof serveRoutes>>;
let fx: Awaited<ReturnType<typeof deploymentFixture>>;
let owner: string;
let local: StorageTarget;
const LOCAL = "local_data";

async function call(method: string, url: string, body?: unknown, token = owner) {
  const res = await fetch(`${api.origin}${url}`, {
    method,
    headers: { authorization: `Bearer ${token}`, "content-type": typeof body === "string" ? "text/plain" : "application/json" },
    body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let json: unknown = null;
  try {
    json = JSON.parse(text);
  } catch {
    json = null;
  }
  return { status: res.status, text, json: json as Record<string, any> };
}

async function names(target: StorageTarget, prefix = "") {
  const out: string[] = [];
  for await (const page of listBlobs(target, prefix)) out.push(...page.map((b) => b.path));
  return out;
}

beforeAll(async () => {
  functions = await startFunctionsServer();
  api = await serveRoutes([
    { pattern: /^\/api\/v1\/datastores$/, params: () => ({}), methods: datastores },
    { pattern: /^\/api\/v1\/datastores\/([^/]+)\/files$/, params: (m) => ({ datastore: m[1] }), methods: dsFiles },
    {
      pattern: /^\/api\/v1\/datastores\/([^/]+)\/files\/(.+)$/,
      params: (m) => ({ datastore: m[1], path: m[2].split("/").map(decodeURIComponent) }),
      methods: dsFile,
    },
  ]);
  fx = await deploymentFixture({
    code: { files: { "score.py": CODE } },
    scoringScript: "score.py",
    interpreter: PYTHON,
    settings: { miniBatchSize: 4 },
  });
  owner = (await createApiToken({ workspaceId: fx.workspace.id, actor: fx.actor, name: "owner", role: "owner" })).token;
});
afterAll(async () => {
  await functions?.close();
  await api?.close();
});

describe("a filesystem datastore over REST", () => {
  it("is created with kind filesystem, no credential, and refuses unknown fields and kinds naming the field", async () => {
    const created = await call("POST", "/api/v1/datastores", { kind: "filesystem", name: LOCAL, description: "on this server" });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ name: LOCAL, kind: "filesystem", auth: "platform", accountName: null });
    expect(created.text).not.toMatch(/credential/i);
    local = await getStorageTargetOrThrow({ workspaceId: fx.workspace.id, name: LOCAL });
    expect(local).toMatchObject({ auth: "filesystem", workspaceId: fx.workspace.id });
    expect(existsSync(storeDir(local as Extract<StorageTarget, { auth: "filesystem" }>))).toBe(true);

    const before = await db.datastore.count({ where: { workspaceId: fx.workspace.id } });
    const unknown = await call("POST", "/api/v1/datastores", { kind: "filesystem", name: "other_local", path: "/etc" });
    expect(unknown.status).toBe(400);
    expect(unknown.json.error.details.fieldErrors.path[0]).toMatch(/path/);
    const badKind = await call("POST", "/api/v1/datastores", { kind: "nfs", name: "other_local" });
    expect(badKind.status).toBe(400);
    expect(badKind.json.error.details.fieldErrors.kind[0]).toMatch(/"azure_blob".*"filesystem"/);
    const dup = await call("POST", "/api/v1/datastores", { kind: "filesystem", name: LOCAL });
    expect(dup.status).toBe(409);
    expect(await db.datastore.count({ where: { workspaceId: fx.workspace.id } })).toBe(before);

    const list = await call("GET", "/api/v1/datastores");
    expect(list.json.data.map((d: { name: string; kind: string }) => [d.name, d.kind])).toEqual(
      expect.arrayContaining([
        ["workspaceblobstore", "azure_blob"],
        [LOCAL, "filesystem"],
      ]),
    );
  });

  it("takes uploads, lists one level, downloads, zips and deletes through the data browser's functions", async () => {
    expect((await call("PUT", `/api/v1/datastores/${LOCAL}/files/browse/a.txt`, "alpha")).status).toBe(201);
    expect((await call("PUT", `/api/v1/datastores/${LOCAL}/files/browse/sub/b.txt`, "beta")).status).toBe(201);
    const bad = await call("PUT", `/api/v1/datastores/${LOCAL}/files/browse/..%2F..%2Fx.txt`, "x");
    expect(bad.status).toBe(400);
    const level = await call("GET", `/api/v1/datastores/${LOCAL}/files?prefix=browse/`);
    expect(level.json).toMatchObject({ folders: ["browse/sub/"], files: [{ path: "browse/a.txt", size: 5 }], refused: [] });
    const got = await call("GET", `/api/v1/datastores/${LOCAL}/files/browse/sub/b.txt`);
    expect(got).toMatchObject({ status: 200, text: "beta" });
    expect((await call("GET", `/api/v1/datastores/${LOCAL}/files/browse/none.txt`)).status).toBe(404);

    const zip = await zipDatastoreItems({ workspaceId: fx.workspace.id, datastore: LOCAL, paths: ["browse/"] });
    const chunks: Buffer[] = [];
    for await (const c of zip.stream) chunks.push(c as Buffer);
    expect(Object.keys(unzipSync(new Uint8Array(Buffer.concat(chunks)))).sort()).toEqual(["browse/a.txt", "browse/sub/b.txt"]);
    const done = await deleteDatastoreItems({ workspaceId: fx.workspace.id, actor: fx.actor, datastore: LOCAL, paths: ["browse/"] });
    expect(done).toMatchObject({ deleted: 2, folders: 1 });
    expect(await names(local, "browse/")).toEqual([]);
  });
});

describe("jobs over a filesystem datastore", () => {
  it("scores a folder in place: run() gets paths inside the read-only datastores mount; outputs land in the folder", async () => {
    await uploadPngs(local, "imgs/", 10);
    const { job } = await startJob({
      workspaceId: fx.workspace.id,
      actor: fx.actor,
      endpointName: "scorer",
      input: {
        input: { type: "uri_folder", path: `azureml://datastores/${LOCAL}/paths/imgs/` },
        output: { path: `datastores/${LOCAL}/paths/results/run1/` },
      },
    });
    const done = await waitForJob(job.id);
    expect(done).toMatchObject({ status: "completed", miniBatchesTotal: 3, filesCompleted: 10, filesFailed: 0 });
    const folder = (local as Extract<StorageTarget, { auth: "filesystem" }>).folder;
    const lines = (await readBlobText(local, `${outputPrefix(job.outputPath)}predictions.csv`)).trim().split("\n");
    expect(lines).toHaveLength(10);
    lines.forEach((l, i) => {
      const [p, size, inputDir] = l.split("|");
      expect(p).toBe(`/batchpoint/datastores/${folder}/imgs/img_${String(i).padStart(3, "0")}.png`);
      expect(Number(size)).toBeGreaterThan(50);
      expect(inputDir).toBe(`/batchpoint/datastores/${folder}/imgs`);
    });
    expect(await blobExists(local, "results/run1/errors.jsonl")).toBe(true);
    expect(JSON.parse(await readBlobText(local, "results/run1/job-summary.json"))).toMatchObject({ status: "completed" });
    // The output's staged parts were assembled and then discarded; nothing of them is in the datastore.
    expect(await names(local, "results/")).toEqual([
      "results/run1/errors.jsonl",
      "results/run1/job-summary.json",
      "results/run1/predictions.csv",
    ]);
    // No input was downloaded: the mini-batches' work dirs never held the images.
    const work = path.join(process.env.BATCHPOINT_WORK_DIR!, fx.workspace.id, job.id);
    const leftovers = existsSync(work) ? readdirSync(work, { recursive: true }).filter((f) => String(f).endsWith(".png")) : [];
    expect(leftovers).toEqual([]);
  });

  it("scores one file (uri_file) and a big CSV split by byte ranges (tabular) from the folder", async () => {
    await uploadBlob(local, "one/only.txt", "12345");
    const single = await startJob({
      workspaceId: fx.workspace.id,
      actor: fx.actor,
      endpointName: "scorer",
      input: {
        input: { type: "uri_file", path: `datastores/${LOCAL}/paths/one/only.txt` },
        output: { path: `datastores/${LOCAL}/paths/results/one/` },
      },
    });
    expect(await waitForJob(single.job.id)).toMatchObject({ status: "completed", filesCompleted: 1 });
    const line = (await readBlobText(local, "results/one/predictions.csv")).trim();
    expect(line.split("|").slice(0, 2)).toEqual([`/batchpoint/datastores/${(local as { folder: string }).folder}/one/only.txt`, "5"]);

    const rows = Array.from({ length: 25 }, (_, i) => `${i + 1},${(i + 1) * 10}`);
    await uploadBlob(local, "tables/claims.csv", `id,amount\n${rows.join("\n")}\n`);
    await createEndpoint({ workspaceId: fx.workspace.id, actor: fx.actor, input: { name: "tab" } });
    await createDeployment({
      workspaceId: fx.workspace.id,
      actor: fx.actor,
      endpointName: "tab",
      input: {
        name: "blue",
        code: { files: { "score.py": "def init(): pass\ndef run(df):\n    return df.assign(double=df['amount'] * 2)\n" } },
        scoringScript: "score.py",
        interpreter: PYTHON,
      },
    });
    const tab = await startJob({
      workspaceId: fx.workspace.id,
      actor: fx.actor,
      endpointName: "tab",
      input: {
        input: { type: "tabular", path: `datastores/${LOCAL}/paths/tables/claims.csv` },
        output: { path: `datastores/${LOCAL}/paths/results/tab/` },
        miniBatchSize: 10,
      },
    });
    expect(await waitForJob(tab.job.id)).toMatchObject({ status: "completed", miniBatchesTotal: 3, filesCompleted: 25 });
    const mbs = await db.miniBatch.findMany({
      where: { jobId: tab.job.id },
      orderBy: { index: "asc" },
      select: { itemCount: true, byteStart: true },
    });
    expect(mbs.map((m) => m.itemCount)).toEqual([10, 10, 5]);
    expect(Number(mbs[1].byteStart)).toBeGreaterThan(0);
    const out = (await readBlobText(local, "results/tab/predictions.csv")).trim().split("\n");
    expect(out[0]).toBe("id,amount,double");
    expect(out.slice(1)).toEqual(rows.map((r) => `${r},${Number(r.split(",")[1]) * 2}`));
  });
});
