import "server-only";
import { createHash, randomBytes } from "node:crypto";
import { chmodSync, constants, createWriteStream, mkdirSync } from "node:fs";
import { link, lstat, mkdir, open, readdir, readFile, realpath, rename, rm, rmdir, stat, unlink, writeFile } from "node:fs/promises";
import path from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { AppError } from "@/lib/errors";
import { dataDir } from "@/lib/scoring/sandbox-dirs";
import { assertSafePrefix, nameProblem, prefixProblem, printable, resolveUnder } from "./names";
import type { BlobItem, BlockKey, FilesystemTarget, FolderListing, RefusedName, StorageBackend } from "./types";

/**
 * Filesystem datastores: each is a folder on the server, read in place by the scorer.
 *
 *   <datastores dir>/                      BATCHPOINT_DATASTORES_DIR, else <data dir>/datastores (0700)
 *     <workspace id>/                      0700
 *       stores/<folder>/<path>             the datastore's files (dirs 0755, files 0644); `stores/` is
 *                                          mounted read-only into the workspace's scoring sandboxes
 *       parts/<folder>/<sha256 of path>/   staged output parts and the manifest of the last commit
 *       tmp/                               files being written, renamed into place when complete
 *
 * The workspace id and the folder are platform-chosen ids, never a tenant's input. Every name is checked
 * by names.ts and resolved under the folder; reads resolve the real path and refuse one outside the
 * folder (a symbolic link out of it), opened with O_NOFOLLOW; writes never pass through a link.
 */

const SAFE_WORKSPACE = /^[A-Za-z0-9_-]{1,100}$/;
const SAFE_FOLDER = /^[a-z0-9][a-z0-9-]{2,62}$/;

/** The root of every workspace's filesystem datastores. */
export function datastoresRoot(env: Record<string, string | undefined> = process.env): string {
  return path.resolve(env.BATCHPOINT_DATASTORES_DIR || path.join(dataDir(env), "datastores"));
}

// Folders this process made (or found) with their mode: the hot path (a path per input file) makes no syscalls for them.
const ensured = new Set<string>();

function ensureDir(dir: string, mode: number): string {
  const key = `${mode}:${dir}`;
  if (ensured.has(key)) return dir;
  mkdirSync(dir, { recursive: true, mode });
  chmodSync(dir, mode);
  ensured.add(key);
  return dir;
}

function workspaceDir(workspaceId: string): string {
  if (!SAFE_WORKSPACE.test(workspaceId)) throw new Error(`Invalid workspace id '${printable(workspaceId)}'.`);
  ensureDir(datastoresRoot(), 0o700);
  return ensureDir(path.join(datastoresRoot(), workspaceId), 0o700);
}

/**
 * The folder holding all of a workspace's filesystem datastores (one sub-folder each), created if
 * missing. Mounted read-only into that workspace's scoring sandboxes, so files are read in place.
 */
export function workspaceStoresDir(workspaceId: string): string {
  return ensureDir(path.join(workspaceDir(workspaceId), "stores"), 0o755);
}

function checkFolder(folder: string): string {
  if (!SAFE_FOLDER.test(folder)) throw new Error(`Invalid datastore folder '${printable(folder)}'.`);
  return folder;
}

/** The datastore's own folder (not created). */
export function storeDir(target: FilesystemTarget): string {
  return path.join(workspaceStoresDir(target.workspaceId), checkFolder(target.folder));
}

function partsDir(target: FilesystemTarget, blob: string): string {
  const hash = createHash("sha256").update(blob).digest("hex");
  return path.join(workspaceDir(target.workspaceId), "parts", checkFolder(target.folder), hash);
}

function tmpFile(target: FilesystemTarget): string {
  const dir = ensureDir(path.join(workspaceDir(target.workspaceId), "tmp"), 0o700);
  return path.join(dir, `${Date.now()}-${randomBytes(6).toString("hex")}`);
}

/** Storage's own "not found", as the Azure SDK reports it (statusCode 404), so callers handle both alike. */
export class FileNotFoundError extends Error {
  readonly statusCode = 404;
  readonly details: { errorCode: string };
  constructor(
    what: string,
    readonly code: "BlobNotFound" | "ContainerNotFound" = "BlobNotFound",
  ) {
    super(`${what} does not exist.`);
    this.name = "FileNotFoundError";
    this.details = { errorCode: code };
  }
}

/** A path of the datastore that is a symbolic link leading out of its folder: never followed. */
export class OutsideLinkError extends AppError {
  readonly statusCode = 403;
  constructor(rel: string) {
    const message = `path '${printable(rel)}' is a symbolic link (or passes through one) that leads outside the datastore's folder; it is not followed.`;
    super("BAD_REQUEST", message, { fieldErrors: { path: [message] } });
    this.name = "OutsideLinkError";
  }
}

function isInside(root: string, p: string): boolean {
  const rel = path.relative(root, p);
  return rel !== "" && !rel.startsWith("..") && !path.isAbsolute(rel);
}

function errno(e: unknown): string | undefined {
  return (e as NodeJS.ErrnoException).code;
}

async function realRoot(target: FilesystemTarget): Promise<string> {
  const dir = storeDir(target);
  try {
    return await realpath(dir);
  } catch (e) {
    if (errno(e) === "ENOENT") throw new FileNotFoundError(`The datastore's folder`, "ContainerNotFound");
    throw e;
  }
}

/**
 * The real path of an existing regular file of the datastore: `rel` checked by the name rule, then
 * resolved with every link followed and refused unless it lies inside the datastore's real folder.
 */
async function existingFile(target: FilesystemTarget, rel: string): Promise<string> {
  const root = await realRoot(target);
  const full = resolveUnder(root, rel);
  let real: string;
  try {
    real = await realpath(full);
  } catch (e) {
    if (errno(e) === "ENOENT" || errno(e) === "ENOTDIR") throw new FileNotFoundError(`'${printable(rel)}'`);
    throw e;
  }
  if (!isInside(root, real)) throw new OutsideLinkError(rel);
  const st = await lstat(real);
  if (!st.isFile()) throw new FileNotFoundError(`'${printable(rel)}'`);
  return real;
}

/** Opens a resolved file without following a link that replaced it meanwhile. */
async function openNoFollow(real: string) {
  return open(real, constants.O_RDONLY | constants.O_NOFOLLOW);
}

/**
 * The absolute path `rel` may be written at: its folders are created (0755) or must be real folders
 * inside the datastore, never links. An existing link at `rel` itself is replaced, not written through.
 */
async function writablePath(target: FilesystemTarget, rel: string): Promise<string> {
  const root = storeDir(target);
  await mkdir(root, { recursive: true, mode: 0o755 });
  const full = resolveUnder(root, rel);
  const segments = path.relative(root, full).split(path.sep);
  let dir = root;
  for (const seg of segments.slice(0, -1)) {
    dir = path.join(dir, seg);
    const st = await lstat(dir).catch((e) => (errno(e) === "ENOENT" ? null : Promise.reject(e)));
    if (!st) {
      await mkdir(dir, { mode: 0o755 }).catch((e) => (errno(e) === "EEXIST" ? undefined : Promise.reject(e)));
      const again = await lstat(dir);
      if (!again.isDirectory()) throw new OutsideLinkError(rel);
    } else if (st.isSymbolicLink()) {
      throw new OutsideLinkError(rel);
    } else if (!st.isDirectory()) {
      const at = path.relative(root, dir).split(path.sep).join("/");
      throw new AppError("CONFLICT", `path '${printable(rel)}': '${printable(at)}' is a file, so nothing can be stored under it.`, {
        fieldErrors: { path: [`'${printable(at)}' is a file`] },
      });
    }
  }
  const st = await lstat(full).catch(() => null);
  if (st?.isDirectory())
    throw new AppError("CONFLICT", `path '${printable(rel)}' is a folder of this datastore; give a file's path.`, {
      fieldErrors: { path: [`'${printable(rel)}' is a folder`] },
    });
  return full;
}

class BlobExistsError extends Error {
  readonly statusCode = 409;
  readonly code = "BlobAlreadyExists";
  readonly details = { errorCode: "BlobAlreadyExists" };
  constructor(rel: string) {
    super(`'${printable(rel)}' already exists.`);
  }
}

/** Writes `body` to a temporary file, then renames it over `full`: a reader sees the old file or the new one. */
async function writeAtomically(target: FilesystemTarget, full: string, body: Buffer | string | Readable, exclusive = false, rel = "") {
  const tmp = tmpFile(target);
  try {
    if (typeof body === "string" || Buffer.isBuffer(body)) await writeFile(tmp, body, { mode: 0o644, flag: "wx" });
    else await pipeline(body, createWriteStream(tmp, { mode: 0o644, flags: "wx" }));
    if (exclusive) {
      // link() fails if the name exists: the emulation of Azure's If-None-Match: *.
      await link(tmp, full).catch((e) => Promise.reject(errno(e) === "EEXIST" ? new BlobExistsError(rel) : e));
      await unlink(tmp);
    } else {
      await rename(tmp, full);
    }
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
}

/** Removes the empty folders left above a deleted file, up to the datastore's folder (blob storage has no empty folders). */
async function pruneEmptyParents(root: string, full: string) {
  for (let dir = path.dirname(full); isInside(root, dir); dir = path.dirname(dir)) {
    try {
      await rmdir(dir);
    } catch {
      return;
    }
  }
}

type Entry = { name: string; kind: "dir" | "file" | "link" | "other" };

async function entriesOf(dir: string): Promise<Entry[]> {
  let dirents: import("node:fs").Dirent[];
  try {
    dirents = await readdir(dir, { withFileTypes: true });
  } catch (e) {
    if (errno(e) === "ENOENT" || errno(e) === "ENOTDIR") return [];
    throw e;
  }
  const list: Entry[] = dirents.map((d) => ({
    name: d.name,
    kind: d.isDirectory() ? "dir" : d.isFile() ? "file" : d.isSymbolicLink() ? "link" : "other",
  }));
  // Folders sort as "name/", so a depth-first walk yields full paths in name order, as a blob listing does.
  const key = (e: Entry) => (e.kind === "dir" ? `${e.name}/` : e.name);
  return list.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

/** A folder of the datastore reached without passing through a link, or null. */
async function realFolder(root: string, prefix: string): Promise<string | null> {
  let dir = root;
  for (const seg of prefix.split("/").filter(Boolean)) {
    dir = path.join(dir, seg);
    const st = await lstat(dir).catch(() => null);
    if (!st?.isDirectory()) return null;
  }
  return dir;
}

/** A listed entry as a file item, or why it is refused. Links count only when they lead to a file inside the folder. */
async function itemOf(root: string, dir: string, name: string, e: Entry): Promise<BlobItem | RefusedName | null> {
  const problem = nameProblem(name);
  if (problem) return { name, reason: problem };
  const full = path.join(dir, e.name);
  if (e.kind === "file") {
    const st = await stat(full).catch(() => null);
    return st ? { path: name, size: st.size, lastModified: st.mtime } : null;
  }
  if (e.kind === "link") {
    const real = await realpath(full).catch(() => null);
    if (!real || !isInside(root, real)) return { name, reason: "is a symbolic link that leads outside the datastore's folder" };
    const st = await stat(real).catch(() => null);
    if (!st?.isFile()) return { name, reason: "is a symbolic link to a folder (links to folders are not followed)" };
    return { path: name, size: st.size, lastModified: st.mtime };
  }
  return { name, reason: "is not a regular file" };
}

function isItem(x: BlobItem | RefusedName): x is BlobItem {
  return "path" in x;
}

function defaultOnRefused(r: RefusedName) {
  console.warn(`[batchpoint] skipped file ${JSON.stringify(r.name.slice(0, 200))}: its name ${r.reason}.`);
}

async function* listBlobs(
  target: FilesystemTarget,
  prefix: string,
  pageSize = 1000,
  onRefused: (r: RefusedName) => void = defaultOnRefused,
): AsyncGenerator<BlobItem[]> {
  assertSafePrefix(prefix);
  const root = await realRoot(target).catch((e) => (e instanceof FileNotFoundError ? null : Promise.reject(e)));
  if (!root) return;
  const cut = prefix.lastIndexOf("/") + 1;
  const folder = prefix.slice(0, cut);
  const start = prefix.slice(cut);
  const base = await realFolder(root, folder);
  if (!base) return;
  let page: BlobItem[] = [];
  async function* walk(dir: string, rel: string, filter: string): AsyncGenerator<BlobItem[]> {
    for (const e of await entriesOf(dir)) {
      if (filter && !e.name.startsWith(filter)) continue;
      const name = rel + e.name;
      if (e.kind === "dir") {
        if (prefixProblem(`${name}/`)) onRefused({ name: `${name}/`, reason: prefixProblem(`${name}/`)! });
        else yield* walk(path.join(dir, e.name), `${name}/`, "");
        continue;
      }
      const item = await itemOf(root!, dir, name, e);
      if (!item) continue;
      if (!isItem(item)) {
        onRefused(item);
        continue;
      }
      page.push(item);
      if (page.length >= pageSize) {
        yield page;
        page = [];
      }
    }
  }
  yield* walk(base, folder, start);
  if (page.length) yield page;
}

async function listFolder(
  target: FilesystemTarget,
  prefix: string,
  opts: { pageSize?: number; continuationToken?: string } = {},
): Promise<FolderListing> {
  const p = prefix && !prefix.endsWith("/") ? `${prefix}/` : prefix;
  assertSafePrefix(p);
  const empty = { folders: [], files: [], refused: [] };
  const root = await realRoot(target).catch((e) => (e instanceof FileNotFoundError ? null : Promise.reject(e)));
  if (!root) return empty;
  const dir = await realFolder(root, p);
  if (!dir) return empty;
  const after = opts.continuationToken ? Buffer.from(opts.continuationToken, "base64url").toString("utf8") : null;
  const limit = opts.pageSize ?? 500;
  const out: FolderListing = { folders: [], files: [], refused: [] };
  let count = 0;
  let last = "";
  for (const e of await entriesOf(dir)) {
    const sortKey = e.kind === "dir" ? `${e.name}/` : e.name;
    if (after !== null && sortKey <= after) continue;
    if (count >= limit) {
      out.continuationToken = Buffer.from(last).toString("base64url");
      break;
    }
    count++;
    last = sortKey;
    const name = p + e.name;
    if (e.kind === "dir") {
      const reason = prefixProblem(`${name}/`);
      if (reason) out.refused.push({ name: `${name}/`, reason });
      else out.folders.push(`${name}/`);
      continue;
    }
    const item = await itemOf(root, dir, name, e);
    if (!item) continue;
    if (isItem(item)) out.files.push(item);
    else out.refused.push(item);
  }
  return out;
}

async function uploadBlob(
  target: FilesystemTarget,
  rel: string,
  body: Buffer | string | Readable,
  opts: { contentType?: string; overwrite?: boolean } = {},
): Promise<void> {
  const full = await writablePath(target, rel);
  await writeAtomically(target, full, body, opts.overwrite === false, rel);
}

async function downloadBlob(target: FilesystemTarget, rel: string, range?: { offset: number; count: number }): Promise<Readable> {
  const handle = await openNoFollow(await existingFile(target, rel));
  if (range && range.count <= 0) {
    await handle.close();
    return Readable.from([]);
  }
  return handle.createReadStream(range ? { start: range.offset, end: range.offset + range.count - 1 } : {});
}

async function readBlobText(target: FilesystemTarget, rel: string): Promise<string> {
  const handle = await openNoFollow(await existingFile(target, rel));
  try {
    return await readFile(handle, "utf8");
  } finally {
    await handle.close();
  }
}

async function blobSize(target: FilesystemTarget, rel: string): Promise<number | null> {
  try {
    return (await stat(await existingFile(target, rel))).size;
  } catch (e) {
    if (e instanceof FileNotFoundError || e instanceof OutsideLinkError) return null;
    throw e;
  }
}

async function deleteBlob(target: FilesystemTarget, rel: string): Promise<void> {
  const root = storeDir(target);
  const full = resolveUnder(root, rel);
  const st = await lstat(full).catch(() => null);
  // A link is removed itself (unlink never follows it); a folder is not a blob.
  if (st && !st.isDirectory()) {
    await unlink(full);
    await pruneEmptyParents(root, full);
  }
  await rm(partsDir(target, rel), { recursive: true, force: true });
}

function partName(key: BlockKey, scope?: string): string {
  return `${scope ?? "_"}.${key === "header" ? "header" : String(key).padStart(8, "0")}`;
}

function parsePart(name: string): { scope?: string; key: BlockKey } | null {
  const m = /^([^.]+)\.(header|\d{8})$/.exec(name);
  if (!m) return null;
  return { scope: m[1] === "_" ? undefined : m[1], key: m[2] === "header" ? "header" : Number(m[2]) };
}

type Manifest = { size: number; mtimeMs: number; blocks: { scope?: string; key: BlockKey; offset: number; size: number }[] };

/** The blocks of the last commit, if the file is still the one that commit wrote. */
async function committedManifest(target: FilesystemTarget, rel: string): Promise<{ manifest: Manifest; file: string } | null> {
  let file: string;
  try {
    file = await existingFile(target, rel);
  } catch {
    return null;
  }
  const raw = await readFile(path.join(partsDir(target, rel), "committed.json"), "utf8").catch(() => null);
  if (!raw) return null;
  const manifest = JSON.parse(raw) as Manifest;
  const st = await stat(file);
  if (st.size !== manifest.size || st.mtimeMs !== manifest.mtimeMs) return null; // replaced since: nothing of it is a block
  return { manifest, file };
}

async function stageBlock(target: FilesystemTarget, rel: string, index: BlockKey, data: Buffer, scope?: string): Promise<void> {
  resolveUnder(storeDir(target), rel);
  const dir = partsDir(target, rel);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await writeAtomically(target, path.join(dir, partName(index, scope)), data);
}

async function commitBlocks(
  target: FilesystemTarget,
  rel: string,
  indexes: BlockKey[],
  opts: { contentType?: string; scope?: string } = {},
): Promise<void> {
  const full = await writablePath(target, rel);
  const dir = partsDir(target, rel);
  const previous = await committedManifest(target, rel);
  const tmp = tmpFile(target);
  const blocks: Manifest["blocks"] = [];
  const out = await open(tmp, "wx", 0o644);
  try {
    let offset = 0;
    for (const key of indexes) {
      const staged = path.join(dir, partName(key, opts.scope));
      let data = await readFile(staged).catch((e) => (errno(e) === "ENOENT" ? null : Promise.reject(e)));
      if (!data) {
        const old = previous?.manifest.blocks.find((b) => b.key === key && b.scope === opts.scope);
        if (!old || !previous) {
          throw Object.assign(new Error(`The part ${String(key)} of '${printable(rel)}' was never staged.`), {
            statusCode: 400,
            code: "InvalidBlockList",
          });
        }
        data = Buffer.alloc(old.size);
        const src = await openNoFollow(previous.file);
        try {
          await src.read(data, 0, old.size, old.offset);
        } finally {
          await src.close();
        }
      }
      await out.write(data);
      blocks.push({ scope: opts.scope, key, offset, size: data.length });
      offset += data.length;
    }
  } catch (e) {
    await out.close();
    await rm(tmp, { force: true });
    throw e;
  }
  await out.close();
  await rename(tmp, full);
  const st = await stat(full);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const manifest: Manifest = { size: st.size, mtimeMs: st.mtimeMs, blocks };
  // As on Azure, the commit discards every part it did not take; the manifest lets a later commit reuse committed ones.
  for (const name of await readdir(dir)) if (name !== "committed.json") await rm(path.join(dir, name), { force: true });
  await writeFile(path.join(dir, "committed.json"), JSON.stringify(manifest), { mode: 0o600 });
}

async function listBlocks(
  target: FilesystemTarget,
  rel: string,
  scope?: string,
): Promise<{ committed: BlockKey[]; uncommitted: BlockKey[] }> {
  resolveUnder(storeDir(target), rel);
  const previous = await committedManifest(target, rel);
  const committed = (previous?.manifest.blocks ?? []).filter((b) => b.scope === scope).map((b) => b.key);
  const names = await readdir(partsDir(target, rel)).catch(() => [] as string[]);
  const uncommitted = names
    .map(parsePart)
    .filter((p): p is { scope?: string; key: BlockKey } => !!p && p.scope === scope)
    .map((p) => p.key);
  return { committed, uncommitted };
}

/** Filesystem datastores behind the one storage interface. */
export const filesystemBackend: StorageBackend<FilesystemTarget> = {
  ensureContainer: async (target) => {
    await mkdir(storeDir(target), { recursive: true, mode: 0o755 });
  },
  testConnection: async (target) => {
    try {
      await realRoot(target);
      return { ok: true };
    } catch {
      return { ok: false, reason: "The datastore's folder does not exist on this server." };
    }
  },
  listBlobs,
  listFolder,
  uploadBlob,
  downloadBlob,
  readBlobText,
  blobExists: async (target, rel) => (await blobSize(target, rel)) !== null,
  blobSize,
  deleteBlob,
  stageBlock,
  commitBlocks,
  listBlocks,
  localFile: (target, rel) => existingFile(target, rel),
  localFolder: async (target, prefix) => {
    assertSafePrefix(prefix);
    const root = await realRoot(target).catch(() => null);
    return root ? realFolder(root, prefix) : null;
  },
};
