import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as dsFile from "@/app/api/v1/datastores/[datastore]/files/[...path]/route";
import * as dsFiles from "@/app/api/v1/datastores/[datastore]/files/route";
import * as jobsRoute from "@/app/api/v1/endpoints/[endpoint]/jobs/route";
import { createApiToken } from "@/lib/api-tokens/api-tokens";
import { createDatastore, getStorageTargetOrThrow } from "@/lib/datastores/datastores";
import { startJob } from "@/lib/jobs/job-commands";
import { type FilesystemTarget, readBlobText, uploadBlob } from "@/lib/storage";
import { storeDir, workspaceStoresDir } from "@/lib/storage/filesystem";
import { startFunctionsServer } from "../support/functions-server";
import { deploymentFixture, PYTHON, waitForJob } from "../support/jobs";
import { serveRoutes } from "../webhooks/helpers";

// A hostile tenant's scoring script, run in the real sandbox over its own filesystem datastore, looks
// for the other tenant's folder, the server's files behind a planted link, and writes into its inputs.
const PROBE = `
import os, json
def init(): pass
def probe(fn):
    try:
        return fn()
    except Exception as e:
        return type(e).__name__
def write(p):
    open(p, "w").write("tampered")
    return "written"
def run(batch):
    seen = {
        "mount": sorted(os.listdir("/batchpoint/datastores")),
        "other_host_path": probe(lambda: os.listdir(os.environ["OTHER_STORE"])),
        "other_by_dots": probe(lambda: os.listdir("/batchpoint/datastores/../datastores/" + os.environ["OTHER_FOLDER"])),
        "secret_via_link": probe(lambda: open(os.path.join(os.path.dirname(batch[0]), "zz-link.txt")).read()),
        "write_input": probe(lambda: write(batch[0])),
        "write_beside": probe(lambda: write(os.path.join(os.path.dirname(batch[0]), "planted.txt"))),
        "inputs": [os.path.basename(p) for p in batch],
    }
    return [json.dumps(seen).encode().hex()] * len(batch)
`;

const SECRET = "server-secret-4b7e";
let functions: Awaited<ReturnType<typeof startFunctionsServer>>;
let api: Awaited<ReturnType<typeof serveRoutes>>;
let a: Awaited<ReturnType<typeof deploymentFixture>>;
let b: Awaited<ReturnType<typeof deploymentFixture>>;
let storeA: FilesystemTarget;
let storeB: FilesystemTarget;
let tokenB = "";
let outside = "";

beforeAll(async () => {
  functions = await startFunctionsServer();
  api = await serveRoutes([
    { pattern: /^\/api\/v1\/datastores\/([^/]+)\/files$/, params: (m) => ({ datastore: m[1] }), methods: dsFiles },
    {
      pattern: /^\/api\/v1\/datastores\/([^/]+)\/files\/(.+)$/,
      params: (m) => ({ datastore: m[1], path: m[2].split("/").map(decodeURIComponent) }),
      methods: dsFile,
    },
    { pattern: /^\/api\/v1\/endpoints\/([^/]+)\/jobs$/, params: (m) => ({ endpoint: m[1] }), methods: jobsRoute },
  ]);
  b = await deploymentFixture({
    code: { files: { "score.py": "def init(): pass\ndef run(b): return b\n" } },
    scoringScript: "score.py",
    interpreter: PYTHON,
  });
  await createDatastore({ workspaceId: b.workspace.id, actor: b.actor, input: { kind: "filesystem", name: "local_b" } });
  storeB = (await getStorageTargetOrThrow({ workspaceId: b.workspace.id, name: "local_b" })) as FilesystemTarget;
  await uploadBlob(storeB, "private/b.txt", "workspace B's data");
  tokenB = (await createApiToken({ workspaceId: b.workspace.id, actor: b.actor, name: "b", role: "owner" })).token;

  a = await deploymentFixture({
    code: { files: { "score.py": PROBE } },
    scoringScript: "score.py",
    interpreter: PYTHON,
    settings: { miniBatchSize: 10, environmentVariables: { OTHER_STORE: storeDir(storeB), OTHER_FOLDER: storeB.folder } },
  });
  await createDatastore({ workspaceId: a.workspace.id, actor: a.actor, input: { kind: "filesystem", name: "local_a" } });
  storeA = (await getStorageTargetOrThrow({ workspaceId: a.workspace.id, name: "local_a" })) as FilesystemTarget;
  await uploadBlob(storeA, "in/a1.txt", "one");
  await uploadBlob(storeA, "in/a2.txt", "two");
  // Planted by someone with access to the server's disk: links out of the folder.
  outside = mkdtempSync(path.join(tmpdir(), "fs-secret-"));
  writeFileSync(path.join(outside, "secret.txt"), SECRET);
  symlinkSync(path.join(outside, "secret.txt"), path.join(storeDir(storeA), "in", "zz-link.txt"));
  symlinkSync(storeDir(storeB), path.join(storeDir(storeA), "in", "zz-other-ws"));
});
afterAll(async () => {
  await functions?.close();
  await api?.close();
  if (outside) rmSync(outside, { recursive: true, force: true });
});

describe("a hostile tenant and filesystem datastores", () => {
  it("its sandbox sees only its own workspace's folders, read-only; links out of the folder are neither scored nor readable", async () => {
    const { job } = await startJob({
      workspaceId: a.workspace.id,
      actor: a.actor,
      endpointName: "scorer",
      input: {
        input: { type: "uri_folder", path: "datastores/local_a/paths/in/" },
        output: { path: "datastores/workspaceblobstore/paths/probe/" },
      },
    });
    const done = await waitForJob(job.id);
    expect(done).toMatchObject({ status: "completed", filesTotal: 2 });
    const line = (
      await readBlobText(
        await getStorageTargetOrThrow({ workspaceId: a.workspace.id, name: "workspaceblobstore" }),
        "probe/predictions.csv",
      )
    )
      .trim()
      .split("\n")[0];
    const seen = JSON.parse(Buffer.from(line, "hex").toString("utf8"));
    expect(seen.inputs).toEqual(["a1.txt", "a2.txt"]); // the links were not planned
    expect(seen.mount).toEqual([storeA.folder]); // not B's folder, not the platform's parts or temp files
    expect(seen.other_host_path).toBe("FileNotFoundError");
    expect(seen.other_by_dots).toBe("FileNotFoundError");
    expect(seen.secret_via_link).toBe("FileNotFoundError"); // the link's target is not in the sandbox
    expect(seen.write_input).toMatch(/OSError|PermissionError/);
    expect(seen.write_beside).toMatch(/OSError|PermissionError/);
    expect(await readBlobText(storeA, "in/a1.txt")).toBe("one");
    expect(JSON.stringify(seen)).not.toContain(SECRET);
  });

  it("the files API refuses the planted links and another workspace's datastore", async () => {
    const tokenA = (await createApiToken({ workspaceId: a.workspace.id, actor: a.actor, name: "a", role: "owner" })).token;
    const get = (url: string, token: string) => fetch(`${api.origin}${url}`, { headers: { authorization: `Bearer ${token}` } });
    const link = await get("/api/v1/datastores/local_a/files/in/zz-link.txt", tokenA);
    expect(link.status).toBe(404);
    expect(await link.text()).not.toContain(SECRET);
    expect((await get("/api/v1/datastores/local_a/files/in/zz-other-ws/private/b.txt", tokenA)).status).toBeGreaterThanOrEqual(400);
    const listing = await (await get("/api/v1/datastores/local_a/files?prefix=in/", tokenA)).json();
    expect(listing.files.map((f: { path: string }) => f.path)).toEqual(["in/a1.txt", "in/a2.txt"]);
    expect(listing.refused.map((r: { name: string }) => r.name).sort()).toEqual(["in/zz-link.txt", "in/zz-other-ws"]);
    // Datastore names are the workspace's own: B cannot name A's datastore, nor reach it by dots.
    expect((await get("/api/v1/datastores/local_a/files?prefix=in/", tokenB)).status).toBe(404);
    const dots = await get(`/api/v1/datastores/local_b/files/..%2F${storeA.folder}%2Fin%2Fa1.txt`, tokenB);
    expect(dots.status).toBe(400);
    // An upload never writes through a link out of the folder.
    const put = await fetch(`${api.origin}/api/v1/datastores/local_a/files/in/zz-other-ws/planted.txt`, {
      method: "PUT",
      headers: { authorization: `Bearer ${tokenA}`, "content-type": "text/plain" },
      body: "x",
    });
    expect(put.status).toBe(400);
    expect(await readBlobText(storeB, "private/b.txt")).toBe("workspace B's data");
    expect(workspaceStoresDir(a.workspace.id)).not.toBe(workspaceStoresDir(b.workspace.id));
  });
});
