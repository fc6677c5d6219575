import { Readable } from "node:stream";
import { unzipSync } from "fflate";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiToken } from "@/lib/api-tokens/api-tokens";
import { can } from "@/lib/authz/permissions";
import { getDefaultStorageTarget } from "@/lib/datastores/datastores";
import { deleteDatastoreItems, findRecentFolders, zipDatastoreItems } from "@/lib/datastores/files";
import { db } from "@/lib/db";
import { createDeployment } from "@/lib/deployments/create-deployment";
import { createEndpoint } from "@/lib/endpoints/create-endpoint";
import { countJobInput } from "@/lib/jobs/inspect-input";
import { blobExists, listBlobs, type StorageTarget, uploadBlob } from "@/lib/storage";
import { createUserWithWorkspace } from "../support/factories";
import { serveApi } from "./helpers";

let api: Awaited<ReturnType<typeof serveApi>>;
let a: Awaited<ReturnType<typeof createUserWithWorkspace>>;
let b: Awaited<ReturnType<typeof createUserWithWorkspace>>;
let targetA: StorageTarget;
let targetB: StorageTarget;
let token = "";

async function names(target: StorageTarget, prefix = "") {
  const out: string[] = [];
  for await (const page of listBlobs(target, prefix)) out.push(...page.map((x) => x.path));
  return out;
}

beforeAll(async () => {
  api = await serveApi();
  a = await createUserWithWorkspace("browser-a");
  b = await createUserWithWorkspace("browser-b");
  const actor = { userId: a.user.id };
  await createEndpoint({ workspaceId: a.workspace.id, actor, input: { name: "scorer" } });
  await createDeployment({
    workspaceId: a.workspace.id,
    actor,
    endpointName: "scorer",
    input: { name: "blue", code: { files: { "score.py": "def init(): pass\ndef run(b): return b\n" } }, scoringScript: "score.py" },
  });
  targetA = await getDefaultStorageTarget(a.workspace.id);
  targetB = await getDefaultStorageTarget(b.workspace.id);
  for (const f of ["in/a.txt", "in/b.txt", "in/deep/c.txt", "keep/k.txt", "_batchpoint/deployments/x/score.py", "top.txt"])
    await uploadBlob(targetA, f, `content of ${f}`);
  await uploadBlob(targetA, "tables/claims.csv", 'id,amount\n1,10\n2,"2,5"\n3,7\n');
  await uploadBlob(targetA, "tables/header-only.csv", "id,amount\n");
  await uploadBlob(targetB, "in/a.txt", "workspace b's own file");
  token = (await createApiToken({ workspaceId: a.workspace.id, actor, name: "scientist", role: "scientist" })).token;
});
afterAll(async () => api?.close());

describe("invoking over an input with nothing to score", () => {
  const jobs = () => db.job.count({ where: { workspaceId: a.workspace.id } });

  it("answers 400 on input.path, names the path and the fix, and creates no job", async () => {
    const before = await jobs();
    const cases = [
      {
        input: { type: "uri_folder", path: "datastores/workspaceblobstore/paths/nothing/here/" },
        message:
          "No input files were found under datastores/workspaceblobstore/paths/nothing/here/. Check the path and that the files were uploaded.",
      },
      {
        input: { type: "uri_file", path: "datastores/workspaceblobstore/paths/in/missing.txt" },
        message:
          "The input file datastores/workspaceblobstore/paths/in/missing.txt does not exist. Check the path, or pick the file from the datastore.",
      },
      {
        input: { type: "tabular", path: "azureml://datastores/workspaceblobstore/paths/tables/header-only.csv" },
        message: "The CSV datastores/workspaceblobstore/paths/tables/header-only.csv has a header but no rows to score.",
      },
      {
        // Only the platform's legacy folder under the root: the planner leaves it out, so nothing would be scored.
        input: { type: "uri_folder", path: "datastores/workspaceblobstore/paths/_batchpoint/" },
        message:
          "No input files were found under datastores/workspaceblobstore/paths/_batchpoint/. Check the path and that the files were uploaded.",
      },
    ];
    for (const c of cases) {
      const res = await api.call("POST", "/api/v1/endpoints/scorer/jobs", token, { input: c.input });
      expect(res.status, JSON.stringify(res.json)).toBe(400);
      expect(res.json.error.details.fieldErrors["input.path"]).toEqual([c.message]);
    }
    expect(await jobs()).toBe(before);
  });

  it("still starts a job over a folder, a file and a CSV that hold something", async () => {
    for (const input of [
      { type: "uri_folder", path: "datastores/workspaceblobstore/paths/in/" },
      { type: "uri_file", path: "datastores/workspaceblobstore/paths/in/a.txt" },
      { type: "tabular", path: "datastores/workspaceblobstore/paths/tables/claims.csv" },
    ]) {
      const res = await api.call("POST", "/api/v1/endpoints/scorer/jobs", token, {
        input,
        output: { path: `datastores/workspaceblobstore/paths/out/{job}/` },
      });
      expect(res.status, JSON.stringify(res.json)).toBe(202);
    }
  });

  it("counts what a job would score for the invoke form, by the planner's rules", async () => {
    const ws = a.workspace.id;
    expect(
      await countJobInput({ workspaceId: ws, input: { type: "uri_folder", path: "datastores/workspaceblobstore/paths/in/" } }),
    ).toMatchObject({
      ok: true,
      unit: "file",
      count: 3,
      capped: false,
    });
    // The root: everything but the platform's legacy folder.
    expect(
      await countJobInput({ workspaceId: ws, input: { type: "uri_folder", path: "datastores/workspaceblobstore/paths/" } }),
    ).toMatchObject({
      ok: true,
      count: 7,
    });
    expect(
      await countJobInput({ workspaceId: ws, input: { type: "tabular", path: "datastores/workspaceblobstore/paths/tables/claims.csv" } }),
    ).toMatchObject({ ok: true, unit: "row", count: 3 });
    expect(await countJobInput({ workspaceId: ws, input: { type: "uri_folder", path: "datastores/nosuch/paths/x/" } })).toEqual({
      ok: false,
      message: "Datastore 'nosuch' was not found.",
    });
    // Another workspace's files are not counted: its workspaceblobstore is another container.
    expect(
      await countJobInput({ workspaceId: b.workspace.id, input: { type: "uri_folder", path: "datastores/workspaceblobstore/paths/in/" } }),
    ).toMatchObject({
      ok: true,
      count: 1,
    });
  });
});

describe("the picker's recent uploads", () => {
  it("lists the folders that received files, newest first, without the platform's folder or jobs' output folders", async () => {
    const claim = await db.jobOutputClaim.findFirst({ where: { workspaceId: a.workspace.id }, select: { location: true } });
    const outputFolder = claim!.location.replace(/^datastore:[^:]+:/, "");
    expect(outputFolder).toMatch(/^out\/batchjob-/);
    await uploadBlob(targetA, `${outputFolder}predictions.csv`, "file,x\n");
    const recent = await findRecentFolders({ workspaceId: a.workspace.id, datastore: "workspaceblobstore" });
    const folders = recent.map((r) => r.folder);
    expect(new Set(folders)).toEqual(new Set(["in/", "in/deep/", "keep/", "", "tables/"]));
    expect(recent.find((r) => r.folder === "in/")).toMatchObject({ files: 2 });
    for (let i = 1; i < recent.length; i++)
      expect(recent[i - 1].lastModified.getTime()).toBeGreaterThanOrEqual(recent[i].lastModified.getTime());
  });
});

describe("deleting from the data browser", () => {
  it("is for contributors and owners only", () => {
    expect(can("reader", "data:delete")).toBe(false);
    expect(can("scientist", "data:delete")).toBe(false);
    expect(can("contributor", "data:delete")).toBe(true);
    expect(can("owner", "data:delete")).toBe(true);
  });

  it("refuses names that escape, the root and the platform's files, and deletes nothing", async () => {
    const before = await names(targetA);
    const refused: [string[], RegExp][] = [
      [["../in/a.txt"], /The file '\.\.\/in\/a\.txt' has a '\.\.' segment/],
      [["in//a.txt"], /has an empty folder name/],
      [["in\\a.txt"], /contains a backslash/],
      [["/"], /The folder '\/' is the datastore's root/],
      [["_batchpoint/"], /holds the platform's old copies of deployment code and models/],
      [["_batchpoint/deployments/x/score.py"], /holds the platform's old copies/],
      [["in/a.txt", "../../x/"], /has a '\.\.' segment/],
      [[], /Select at least one file or folder/],
    ];
    for (const [paths, message] of refused) {
      await expect(
        deleteDatastoreItems({ workspaceId: a.workspace.id, actor: { userId: a.user.id }, datastore: "workspaceblobstore", paths }),
      ).rejects.toMatchObject({ code: "BAD_REQUEST", details: { fieldErrors: { paths: [expect.stringMatching(message)] } } });
    }
    expect(await names(targetA)).toEqual(before);
  });

  it("deletes files and whole folders of the caller's workspace only, and records what it deleted", async () => {
    await uploadBlob(targetA, "del/x.txt", "x");
    await uploadBlob(targetA, "del/sub/y.txt", "y");
    await uploadBlob(targetA, "del-not/z.txt", "z");
    await uploadBlob(targetA, "single.txt", "s");
    await uploadBlob(targetB, "del/x.txt", "b's");
    const done = await deleteDatastoreItems({
      workspaceId: a.workspace.id,
      actor: { userId: a.user.id },
      datastore: "workspaceblobstore",
      paths: ["del/", "single.txt", "never-existed.txt"],
    });
    expect(done).toEqual({ deleted: 3, folders: 1, files: 2 });
    expect(await names(targetA, "del")).toEqual(["del-not/z.txt"]);
    expect(await blobExists(targetA, "single.txt")).toBe(false);
    expect(await blobExists(targetB, "del/x.txt")).toBe(true);
    const audit = await db.auditEvent.findFirst({ where: { workspaceId: a.workspace.id, action: "datastore.files_deleted" } });
    expect(audit).toMatchObject({ actorUserId: a.user.id, targetType: "datastore" });
    expect(audit?.metadata).toEqual({ datastore: "workspaceblobstore", selected: ["del/", "single.txt", "never-existed.txt"], files: 3 });
    // A datastore of another workspace cannot be named.
    await expect(
      deleteDatastoreItems({ workspaceId: b.workspace.id, actor: { userId: b.user.id }, datastore: "nosuch", paths: ["in/a.txt"] }),
    ).rejects.toMatchObject({ code: "NOT_FOUND" });
  });
});

describe("downloading a selection", () => {
  it("zips files and folders with names relative to the folder they were chosen in", async () => {
    const { stream, files } = await zipDatastoreItems({
      workspaceId: a.workspace.id,
      datastore: "workspaceblobstore",
      paths: ["in/deep/", "in/a.txt"],
      base: "in/",
    });
    expect(files).toBe(2);
    const chunks: Buffer[] = [];
    for await (const c of stream as Readable) chunks.push(c as Buffer);
    const entries = unzipSync(new Uint8Array(Buffer.concat(chunks)));
    expect(Object.keys(entries).sort()).toEqual(["a.txt", "deep/c.txt"]);
    expect(Buffer.from(entries["deep/c.txt"]).toString()).toBe("content of in/deep/c.txt");
  });

  it("refuses an empty selection and the platform's folder", async () => {
    await expect(
      zipDatastoreItems({ workspaceId: a.workspace.id, datastore: "workspaceblobstore", paths: ["nothing/"] }),
    ).rejects.toMatchObject({ details: { fieldErrors: { paths: ["The selection holds no files to download."] } } });
    await expect(
      zipDatastoreItems({ workspaceId: a.workspace.id, datastore: "workspaceblobstore", paths: ["_batchpoint/"] }),
    ).rejects.toMatchObject({ code: "BAD_REQUEST" });
  });
});
