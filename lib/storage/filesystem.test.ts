import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { FileNotFoundError, filesystemBackend as fsb, OutsideLinkError, storeDir, workspaceStoresDir } from "./filesystem";
import { UnsafeNameError } from "./names";
import type { BlobItem, FilesystemTarget, RefusedName } from "./types";

let root: string;
let outside: string;
// Each test gets a folder of its own, so no test sees another's files whatever order they run in.
let target: FilesystemTarget;
let folders = 0;
const other: FilesystemTarget = { auth: "filesystem", workspaceId: "wsB", folder: "fs-bbbb" };

async function text(stream: Readable) {
  const parts: Buffer[] = [];
  for await (const c of stream) parts.push(c as Buffer);
  return Buffer.concat(parts).toString("utf8");
}

async function all(t: FilesystemTarget, prefix = "", pageSize = 1000) {
  const refused: RefusedName[] = [];
  const pages: BlobItem[][] = [];
  for await (const page of fsb.listBlobs(t, prefix, pageSize, (r) => refused.push(r))) pages.push(page);
  return { names: pages.flat().map((b) => b.path), pages: pages.length, refused };
}

beforeAll(async () => {
  root = mkdtempSync(path.join(tmpdir(), "fs-store-"));
  outside = mkdtempSync(path.join(tmpdir(), "fs-outside-"));
  writeFileSync(path.join(outside, "secret.txt"), "the server's own file");
  process.env.BATCHPOINT_DATASTORES_DIR = root;
  await fsb.ensureContainer(other);
});
beforeEach(async () => {
  target = { auth: "filesystem", workspaceId: "wsA", folder: `fs-a${++folders}` };
  await fsb.ensureContainer(target);
});
afterAll(() => {
  rmSync(root, { recursive: true, force: true });
  rmSync(outside, { recursive: true, force: true });
});

describe("a filesystem datastore", () => {
  it("stores, lists (recursively, in name order, paged), reads ranges and deletes like a blob container", async () => {
    for (const f of ["in/b.txt", "in/a.txt", "in/deep/c.txt", "in-x.txt", "top.txt"]) await fsb.uploadBlob(target, f, `content of ${f}`);
    await fsb.uploadBlob(target, "in/stream.txt", Readable.from([Buffer.from("str"), Buffer.from("eamed")]));
    expect((await all(target)).names).toEqual(["in-x.txt", "in/a.txt", "in/b.txt", "in/deep/c.txt", "in/stream.txt", "top.txt"]);
    expect((await all(target, "in/")).names).toEqual(["in/a.txt", "in/b.txt", "in/deep/c.txt", "in/stream.txt"]);
    expect((await all(target, "in")).names).toEqual(["in-x.txt", "in/a.txt", "in/b.txt", "in/deep/c.txt", "in/stream.txt"]);
    expect(await all(target, "in/", 2)).toMatchObject({ pages: 2 });
    expect(await all(target, "nothing/")).toEqual({ names: [], pages: 0, refused: [] });

    const level = await fsb.listFolder(target, "in");
    expect(level.folders).toEqual(["in/deep/"]);
    expect(level.files.map((f) => [f.path, f.size])).toEqual([
      ["in/a.txt", 19],
      ["in/b.txt", 19],
      ["in/stream.txt", 8],
    ]);
    const first = await fsb.listFolder(target, "in/", { pageSize: 2 });
    expect([...first.files.map((f) => f.path), ...first.folders]).toEqual(["in/a.txt", "in/b.txt"]);
    const second = await fsb.listFolder(target, "in/", { pageSize: 2, continuationToken: first.continuationToken });
    expect([...second.files.map((f) => f.path), ...second.folders]).toEqual(["in/stream.txt", "in/deep/"]);
    expect(second.continuationToken).toBeUndefined();

    expect(await fsb.readBlobText(target, "in/stream.txt")).toBe("streamed");
    expect(await text(await fsb.downloadBlob(target, "in/a.txt", { offset: 3, count: 7 }))).toBe("tent of");
    expect(await fsb.blobSize(target, "in/a.txt")).toBe(19);
    expect(await fsb.blobExists(target, "in/nope.txt")).toBe(false);
    await expect(fsb.downloadBlob(target, "in/nope.txt")).rejects.toMatchObject({ statusCode: 404, code: "BlobNotFound" });

    await expect(fsb.uploadBlob(target, "in/a.txt", "again", { overwrite: false })).rejects.toMatchObject({ statusCode: 409 });
    expect(await fsb.readBlobText(target, "in/a.txt")).toBe("content of in/a.txt");
    await fsb.uploadBlob(target, "in/a.txt", "replaced");
    expect(await fsb.readBlobText(target, "in/a.txt")).toBe("replaced");

    // Deleting the last file of a folder leaves no empty folder behind, as in blob storage.
    await fsb.deleteBlob(target, "in/deep/c.txt");
    expect((await fsb.listFolder(target, "in/")).folders).toEqual([]);
    expect(await fsb.localFile(target, "in/b.txt")).toBe(path.join(storeDir(target), "in", "b.txt"));
  });

  it("refuses names that would leave the folder, and a file path under a file", async () => {
    for (const bad of ["../wsB/stores/fs-bbbb/x.txt", "/etc/passwd", "a\\..\\..\\x", "in/../../x", "a//b", "nul\u0000.txt"]) {
      await expect(fsb.uploadBlob(target, bad, "x")).rejects.toBeInstanceOf(UnsafeNameError);
      await expect(fsb.downloadBlob(target, bad)).rejects.toBeInstanceOf(UnsafeNameError);
      await expect(fsb.deleteBlob(target, bad)).rejects.toBeInstanceOf(UnsafeNameError);
    }
    await expect(fsb.listFolder(target, "../")).rejects.toBeInstanceOf(UnsafeNameError);
    await fsb.uploadBlob(target, "plain.txt", "p");
    await expect(fsb.uploadBlob(target, "plain.txt/child.txt", "x")).rejects.toMatchObject({ code: "CONFLICT" });
    // Platform-chosen parts of the target are checked too: no other workspace's folder by a crafted id.
    await expect(fsb.listFolder({ ...target, folder: "../../wsB/stores/fs-bbbb" }, "")).rejects.toThrow(/Invalid datastore folder/);
    await expect(fsb.listFolder({ ...target, workspaceId: "../wsB" }, "")).rejects.toThrow(/Invalid workspace id/);
  });

  it("never follows a symbolic link out of the folder, for reads, listings or writes", async () => {
    const dir = storeDir(target);
    mkdirSync(path.join(dir, "links"), { recursive: true });
    writeFileSync(path.join(dir, "links", "real.txt"), "inside");
    symlinkSync(path.join(outside, "secret.txt"), path.join(dir, "links", "out-file.txt"));
    symlinkSync(outside, path.join(dir, "links", "out-dir"));
    symlinkSync(path.join(storeDir(other)), path.join(dir, "links", "other-ws"));
    symlinkSync(path.join(dir, "links", "real.txt"), path.join(dir, "links", "in-file.txt"));
    writeFileSync(path.join(storeDir(other), "b-only.txt"), "workspace B's file");

    const listed = await all(target, "links/");
    expect(listed.names).toEqual(["links/in-file.txt", "links/real.txt"]);
    expect(listed.refused.map((r) => r.name).sort()).toEqual(["links/other-ws", "links/out-dir", "links/out-file.txt"]);
    const level = await fsb.listFolder(target, "links/");
    expect(level.folders).toEqual([]);
    expect(level.refused.map((r) => r.reason).join(" ")).toMatch(/symbolic link that leads outside/);

    await expect(fsb.readBlobText(target, "links/out-file.txt")).rejects.toBeInstanceOf(OutsideLinkError);
    await expect(fsb.downloadBlob(target, "links/out-dir/secret.txt")).rejects.toBeInstanceOf(OutsideLinkError);
    await expect(fsb.readBlobText(target, "links/other-ws/b-only.txt")).rejects.toBeInstanceOf(OutsideLinkError);
    await expect(fsb.localFile(target, "links/out-file.txt")).rejects.toBeInstanceOf(OutsideLinkError);
    expect(await fsb.blobExists(target, "links/out-file.txt")).toBe(false);
    expect((await all(target, "links/out-dir/")).names).toEqual([]);
    expect(await fsb.localFolder(target, "links/out-dir/")).toBeNull();
    expect(await fsb.readBlobText(target, "links/in-file.txt")).toBe("inside");
    // A link inside resolves to its real path, which lies inside the folder.
    expect(await fsb.localFile(target, "links/in-file.txt")).toBe(path.join(dir, "links", "real.txt"));

    // Writing through a linked folder is refused; writing at a link's name replaces the link, never its target.
    await expect(fsb.uploadBlob(target, "links/out-dir/planted.txt", "x")).rejects.toBeInstanceOf(OutsideLinkError);
    await fsb.uploadBlob(target, "links/out-file.txt", "replaced the link");
    expect(readFileSync(path.join(outside, "secret.txt"), "utf8")).toBe("the server's own file");
    await fsb.deleteBlob(target, "links/out-dir");
    expect(readFileSync(path.join(outside, "secret.txt"), "utf8")).toBe("the server's own file");
  });

  it("stages output parts locally and assembles them in order; a later commit reuses committed parts", async () => {
    const out = "jobs/j1/predictions.csv";
    await fsb.stageBlock(target, out, 2, Buffer.from("c\n"), "scope123");
    await fsb.stageBlock(target, out, 0, Buffer.from("a\n"), "scope123");
    await fsb.stageBlock(target, out, "header", Buffer.from("h\n"), "scope123");
    await fsb.stageBlock(target, out, 1, Buffer.from("other job\n"), "otherjob");
    expect(await fsb.blobExists(target, out)).toBe(false);
    expect((await fsb.listBlocks(target, out, "scope123")).uncommitted.sort()).toEqual([0, 2, "header"]);
    await fsb.commitBlocks(target, out, ["header", 0, 2], { scope: "scope123" });
    expect(await fsb.readBlobText(target, out)).toBe("h\na\nc\n");
    expect(await fsb.listBlocks(target, out, "scope123")).toEqual({ committed: ["header", 0, 2], uncommitted: [] });
    // The staged parts are not in the datastore's listing.
    expect((await all(target, "jobs/")).names).toEqual([out]);

    // A retry round stages the missing part and commits the whole list again.
    await fsb.stageBlock(target, out, 1, Buffer.from("b\n"), "scope123");
    await fsb.commitBlocks(target, out, ["header", 0, 1, 2], { scope: "scope123" });
    expect(await fsb.readBlobText(target, out)).toBe("h\na\nb\nc\n");
    await expect(fsb.commitBlocks(target, out, [7], { scope: "scope123" })).rejects.toMatchObject({ code: "InvalidBlockList" });

    // A file replaced since the commit has no committed parts any more.
    await fsb.uploadBlob(target, out, "someone else's file");
    expect(await fsb.listBlocks(target, out, "scope123")).toEqual({ committed: [], uncommitted: [] });
  });

  it("keeps each workspace's folders apart, and makes them readable to a sandbox's uid", async () => {
    await fsb.uploadBlob(other, "in/a.txt", "B");
    expect((await all(target, "in/")).names).not.toContain("b-only.txt");
    expect(path.relative(workspaceStoresDir("wsA"), storeDir(other)).startsWith("..")).toBe(true);
    expect(statSync(path.join(root)).mode & 0o777).toBe(0o700);
    expect(statSync(workspaceStoresDir("wsA")).mode & 0o777).toBe(0o755);
    expect(statSync(path.join(storeDir(other), "in", "a.txt")).mode & 0o777).toBe(0o644);
  });

  it("answers 404 for a datastore whose folder is gone", async () => {
    const gone: FilesystemTarget = { auth: "filesystem", workspaceId: "wsA", folder: "fs-gone" };
    await expect(fsb.readBlobText(gone, "x.txt")).rejects.toBeInstanceOf(FileNotFoundError);
    expect(await fsb.testConnection(gone)).toMatchObject({ ok: false });
    expect(await fsb.listFolder(gone, "")).toEqual({ folders: [], files: [], refused: [] });
  });
});
