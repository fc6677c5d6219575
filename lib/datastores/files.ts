import "server-only";
import { once } from "node:events";
import { PassThrough, type Readable } from "node:stream";
import { Zip, ZipDeflate } from "fflate";
import { recordAuditEvent, type Actor } from "@/lib/audit/record-audit-event";
import { db } from "@/lib/db";
import { fieldError, notFound } from "@/lib/errors";
import {
  blobExists,
  blobSize,
  deleteBlob,
  downloadBlob,
  downloadExistingBlob,
  listBlobs,
  listFolder,
  type StorageTarget,
  uploadBlob,
} from "@/lib/storage";
import { nameProblem, prefixProblem, printable } from "@/lib/storage/names";
import { getDatastoreOrThrow, getStorageTargetOrThrow } from "./datastores";
import { DEFAULT_DATASTORE_NAME, PLATFORM_PREFIX } from "./default-datastore";
import { previewKind } from "./file-kinds";

export { inlineImageType } from "./file-kinds";

function cleanPath(p: string) {
  const problem = nameProblem(p);
  if (problem)
    throw fieldError("path", `The path '${printable(p)}' ${problem}. Give a file path inside the datastore, like inputs/2026/img_001.png.`);
  return p;
}

// Uploads bytes to a datastore path, streaming them through.
export async function uploadDatastoreFile(opts: {
  workspaceId: string;
  datastore: string;
  path: string;
  body: Readable;
  contentType?: string;
}) {
  const path = cleanPath(opts.path);
  const target = await getStorageTargetOrThrow({ workspaceId: opts.workspaceId, name: opts.datastore });
  await uploadBlob(target, path, opts.body, { contentType: opts.contentType });
  return { datastore: opts.datastore, path, uri: `datastores/${opts.datastore}/paths/${path}` };
}

// Streams a file of a datastore.
export async function downloadDatastoreFile(opts: { workspaceId: string; datastore: string; path: string }) {
  const path = cleanPath(opts.path);
  const target = await getStorageTargetOrThrow({ workspaceId: opts.workspaceId, name: opts.datastore });
  return downloadExistingBlob(target, path, notFound(`File '${path}' in datastore '${opts.datastore}'`).message);
}

// One level of a datastore folder: sub-folders and files.
export async function listDatastoreFolder(opts: { workspaceId: string; datastore: string; prefix?: string; continuationToken?: string }) {
  const prefix = opts.prefix ?? "";
  const problem = prefixProblem(prefix);
  if (problem) throw fieldError("prefix", `The folder '${printable(prefix)}' ${problem}.`);
  const target = await getStorageTargetOrThrow({ workspaceId: opts.workspaceId, name: opts.datastore });
  return listFolder(target, prefix, { continuationToken: opts.continuationToken });
}

/** Files one delete or one zip download may cover: beyond this, pick sub-folders. */
export const MAX_ITEMS_PER_REQUEST = 10_000;
/** Paths one request may name (each file or folder selected). */
export const MAX_SELECTED = 1_000;

/** The default store's legacy platform folder (docs/decisions/0007), which the data browser does not delete. */
function isPlatformPath(datastore: string, p: string) {
  return datastore === DEFAULT_DATASTORE_NAME && (p === PLATFORM_PREFIX.slice(0, -1) || p.startsWith(PLATFORM_PREFIX));
}

/**
 * Checks a selection of the data browser: file paths and folder prefixes (ending in '/'), each by the
 * names rule, none the store's root, none of the platform's files. Field errors name `paths`.
 */
export function checkSelection(datastore: string, paths: unknown): { files: string[]; folders: string[] } {
  if (!Array.isArray(paths) || paths.length === 0 || paths.some((p) => typeof p !== "string"))
    throw fieldError("paths", "Select at least one file or folder.");
  if (paths.length > MAX_SELECTED)
    throw fieldError("paths", `Select at most ${MAX_SELECTED.toLocaleString("en")} files and folders at once.`);
  const files: string[] = [];
  const folders: string[] = [];
  for (const p of new Set(paths as string[])) {
    const isFolder = p.endsWith("/");
    const problem = isFolder ? (p === "/" ? "is the datastore's root" : prefixProblem(p)) : nameProblem(p);
    if (problem)
      throw fieldError(
        "paths",
        `The ${isFolder ? "folder" : "file"} '${printable(p)}' ${problem}. Select files and folders from the listing.`,
      );
    if (isPlatformPath(datastore, p))
      throw fieldError(
        "paths",
        `'${printable(p)}' holds the platform's old copies of deployment code and models (${PLATFORM_PREFIX}); the data browser does not change them.`,
      );
    (isFolder ? folders : files).push(p);
  }
  return { files, folders };
}

/** Every blob a selection covers, in name order, at most MAX_ITEMS_PER_REQUEST. */
async function expandSelection(target: StorageTarget, datastore: string, sel: { files: string[]; folders: string[] }) {
  const out = new Set<string>();
  const add = (p: string) => {
    if (out.size >= MAX_ITEMS_PER_REQUEST)
      throw fieldError(
        "paths",
        `The selection holds more than ${MAX_ITEMS_PER_REQUEST.toLocaleString("en")} files. Select fewer, or sub-folders one at a time.`,
      );
    out.add(p);
  };
  for (const f of sel.files) if (await blobExists(target, f)) add(f);
  for (const folder of sel.folders)
    for await (const page of listBlobs(target, folder))
      for (const b of page) if (!b.path.endsWith("/") && !isPlatformPath(datastore, b.path)) add(b.path);
  return [...out].sort();
}

// Deletes files and whole folders of a datastore for the data browser; audited with what was deleted.
export async function deleteDatastoreItems(opts: { workspaceId: string; actor: Actor; datastore: string; paths: string[] }) {
  const ds = await getDatastoreOrThrow({ workspaceId: opts.workspaceId, name: opts.datastore });
  const sel = checkSelection(ds.name, opts.paths);
  const target = await getStorageTargetOrThrow({ workspaceId: opts.workspaceId, name: ds.name });
  const blobs = await expandSelection(target, ds.name, sel);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(8, blobs.length) }, async () => {
      while (next < blobs.length) await deleteBlob(target, blobs[next++]);
    }),
  );
  await recordAuditEvent({
    workspaceId: opts.workspaceId,
    actor: opts.actor,
    action: "datastore.files_deleted",
    targetType: "datastore",
    targetId: ds.id,
    metadata: { datastore: ds.name, selected: [...sel.folders, ...sel.files].slice(0, 50), files: blobs.length },
  });
  return { deleted: blobs.length, folders: sel.folders.length, files: sel.files.length };
}

/**
 * A zip of the selected files and folders, streamed as it is written (nothing is held whole). Entry
 * names are relative to `base`, the folder the selection was made in.
 */
export async function zipDatastoreItems(opts: { workspaceId: string; datastore: string; paths: string[]; base?: string }) {
  const sel = checkSelection(opts.datastore, opts.paths);
  const base = opts.base ?? "";
  const baseProblem = prefixProblem(base);
  if (baseProblem) throw fieldError("base", `The folder '${printable(base)}' ${baseProblem}.`);
  const target = await getStorageTargetOrThrow({ workspaceId: opts.workspaceId, name: opts.datastore });
  const blobs = await expandSelection(target, opts.datastore, sel);
  if (!blobs.length) throw fieldError("paths", "The selection holds no files to download.");
  const out = new PassThrough();
  let waiting = false;
  const zip = new Zip((err, chunk, final) => {
    if (err) return void out.destroy(err);
    if (!out.write(Buffer.from(chunk))) waiting = true;
    if (final) out.end();
  });
  (async () => {
    for (const name of blobs) {
      const entry = new ZipDeflate(name.startsWith(base) ? name.slice(base.length) : name, { level: 1 });
      zip.add(entry);
      for await (const chunk of await downloadBlob(target, name)) {
        entry.push(chunk as Uint8Array);
        if (waiting) {
          await once(out, "drain");
          waiting = false;
        }
      }
      entry.push(new Uint8Array(0), true);
    }
    zip.end();
  })().catch((e) => out.destroy(e));
  return { stream: out as Readable, files: blobs.length };
}

export const PREVIEW_BYTES = 64 * 1024;

// The first bytes of a file for its preview page, with its size; text is cut at PREVIEW_BYTES.
export async function previewDatastoreFile(opts: { workspaceId: string; datastore: string; path: string }) {
  const path = cleanPath(opts.path);
  const target = await getStorageTargetOrThrow({ workspaceId: opts.workspaceId, name: opts.datastore });
  const size = await blobSize(target, path);
  if (size === null) throw notFound(`File '${path}' in datastore '${opts.datastore}'`);
  const kind = previewKind(path);
  if (kind !== "text" && kind !== "csv") return { path, size, kind, text: null, truncated: false };
  const chunks: Buffer[] = [];
  if (size > 0)
    for await (const c of await downloadBlob(target, path, { offset: 0, count: Math.min(size, PREVIEW_BYTES) })) chunks.push(c as Buffer);
  const buf = Buffer.concat(chunks);
  // Binary content under a text name: say so rather than print it.
  if (buf.subarray(0, 8192).includes(0)) return { path, size, kind: "none" as const, text: null, truncated: false };
  return { path, size, kind, text: buf.toString("utf8"), truncated: size > PREVIEW_BYTES };
}

/**
 * The folders that most recently received files, newest first, from a scan of at most `scan` blobs
 * (the invoke form's picker shows them above the tree). Jobs' output folders are left out.
 */
export async function findRecentFolders(opts: { workspaceId: string; datastore: string; scan?: number; limit?: number }) {
  const ds = await getDatastoreOrThrow({ workspaceId: opts.workspaceId, name: opts.datastore });
  const target = await getStorageTargetOrThrow({ workspaceId: opts.workspaceId, name: opts.datastore });
  // Jobs' output folders are not uploads: leave out every folder a job of this workspace claimed here.
  const key = `datastore:${ds.id}:`;
  const claims = await db.jobOutputClaim.findMany({
    where: { workspaceId: opts.workspaceId, location: { startsWith: key } },
    select: { location: true },
    orderBy: { createdAt: "desc" },
    take: 5000,
  });
  const outputs = claims.map((c) => c.location.slice(key.length)).filter((p) => p !== "");
  const byFolder = new Map<string, { files: number; lastModified: Date }>();
  let seen = 0;
  outer: for await (const page of listBlobs(target, "", 1000, () => {})) {
    for (const b of page) {
      if (++seen > (opts.scan ?? 5000)) break outer;
      if (isPlatformPath(opts.datastore, b.path) || outputs.some((o) => b.path.startsWith(o))) continue;
      const folder = b.path.includes("/") ? b.path.slice(0, b.path.lastIndexOf("/") + 1) : "";
      const f = byFolder.get(folder) ?? { files: 0, lastModified: b.lastModified };
      f.files++;
      if (b.lastModified > f.lastModified) f.lastModified = b.lastModified;
      byFolder.set(folder, f);
    }
  }
  return [...byFolder.entries()]
    .map(([folder, f]) => ({ folder, ...f }))
    .sort((a, b) => b.lastModified.getTime() - a.lastModified.getTime())
    .slice(0, opts.limit ?? 6);
}
