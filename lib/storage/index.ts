import "server-only";
import type { Readable } from "node:stream";
import { AppError } from "@/lib/errors";
import { azureBlobBackend } from "./azure-blob";
import { filesystemBackend, OutsideLinkError } from "./filesystem";
import type { BlobItem, BlockKey, FolderListing, RefusedName, StorageBackend, StorageTarget } from "./types";

export { blockId, containerClient, UNREACHABLE_REASON } from "./azure-blob";
export { datastoresRoot, FileNotFoundError, OutsideLinkError, workspaceStoresDir } from "./filesystem";
export { assertSafeName, assertSafePrefix, isSafeName, nameProblem, resolveUnder, UnsafeNameError } from "./names";
export type { AzureTarget, BlobItem, BlockKey, FilesystemTarget, FolderListing, RefusedName, StorageBackend, StorageTarget } from "./types";

/** The implementation behind a target: the only place that looks at a datastore's kind. */
function backendOf(target: StorageTarget): StorageBackend<StorageTarget> {
  return (target.auth === "filesystem" ? filesystemBackend : azureBlobBackend) as StorageBackend<StorageTarget>;
}

export function ensureContainer(target: StorageTarget): Promise<void> {
  return backendOf(target).ensureContainer(target);
}

/**
 * Checks the container can be listed with the given credentials; returns a readable reason if not.
 * Only answers from a storage account get a specific reason; anything else (refused, timed out, not
 * storage) gets UNREACHABLE_REASON, so the test cannot be used to map other hosts' ports.
 */
export function testConnection(target: StorageTarget): Promise<{ ok: true } | { ok: false; reason: string }> {
  return backendOf(target).testConnection(target);
}

/**
 * Every blob under `prefix`, recursively, in name order, one page at a time. Names that could escape
 * the container or a local folder are skipped and passed to `onRefused` (default: a warning).
 */
export function listBlobs(
  target: StorageTarget,
  prefix: string,
  pageSize = 1000,
  onRefused?: (r: RefusedName) => void,
): AsyncGenerator<BlobItem[]> {
  return backendOf(target).listBlobs(target, prefix, pageSize, onRefused);
}

/**
 * One level of a folder: sub-folders and files directly under `prefix`. Names that could escape the
 * container or a local folder are left out and listed in `refused` with the reason.
 */
export function listFolder(
  target: StorageTarget,
  prefix: string,
  opts: { pageSize?: number; continuationToken?: string } = {},
): Promise<FolderListing> {
  return backendOf(target).listFolder(target, prefix, opts);
}

export function uploadBlob(
  target: StorageTarget,
  path: string,
  body: Buffer | string | Readable,
  opts: { contentType?: string; overwrite?: boolean } = {},
): Promise<void> {
  return backendOf(target).uploadBlob(target, path, body, opts);
}

/** Streams a blob, or the byte range [offset, offset + count) of it. */
export function downloadBlob(target: StorageTarget, path: string, range?: { offset: number; count: number }): Promise<Readable> {
  return backendOf(target).downloadBlob(target, path, range);
}

/**
 * Streams a blob that should exist: opened before it returns, so a missing one (on Azure Blob and on a
 * filesystem datastore alike, and one deleted since it was listed) is `AppError("NOT_FOUND", message)`.
 * So is a link out of a filesystem datastore's folder: it is not followed, and listings show it refused,
 * so to a download it is not there (as `blobExists` answers).
 */
export async function downloadExistingBlob(target: StorageTarget, path: string, message: string): Promise<Readable> {
  try {
    return await backendOf(target).downloadBlob(target, path);
  } catch (e) {
    if ((e as { statusCode?: number }).statusCode === 404 || e instanceof OutsideLinkError) throw new AppError("NOT_FOUND", message);
    throw e;
  }
}

export function readBlobText(target: StorageTarget, path: string): Promise<string> {
  return backendOf(target).readBlobText(target, path);
}

export function blobExists(target: StorageTarget, path: string): Promise<boolean> {
  return backendOf(target).blobExists(target, path);
}

/** A blob's size in bytes, or null when it does not exist. */
export function blobSize(target: StorageTarget, path: string): Promise<number | null> {
  return backendOf(target).blobSize(target, path);
}

export function deleteBlob(target: StorageTarget, path: string): Promise<void> {
  return backendOf(target).deleteBlob(target, path);
}

/** Stages one part of a blob; nothing is visible until commitBlocks. Re-staging the same id replaces it. */
export function stageBlock(target: StorageTarget, path: string, index: BlockKey, data: Buffer, scope?: string): Promise<void> {
  return backendOf(target).stageBlock(target, path, index, data, scope);
}

/** Commits staged (or already committed) parts in the given order, making them one blob without copying data. */
export function commitBlocks(
  target: StorageTarget,
  path: string,
  indexes: BlockKey[],
  opts: { contentType?: string; scope?: string } = {},
): Promise<void> {
  return backendOf(target).commitBlocks(target, path, indexes, opts);
}

/** The parts of a blob that exist, committed or only staged, with the given scope; none when the blob does not exist. */
export function listBlocks(
  target: StorageTarget,
  path: string,
  scope?: string,
): Promise<{ committed: BlockKey[]; uncommitted: BlockKey[] }> {
  return backendOf(target).listBlocks(target, path, scope);
}

/**
 * The blob as a local file to read in place (a filesystem datastore: its real path inside the
 * datastore's folder), or null when it must be downloaded. Throws a 404 error when it does not exist.
 */
export function localFile(target: StorageTarget, path: string): Promise<string | null> {
  return backendOf(target).localFile(target, path);
}

/** A folder of a filesystem datastore as a local folder (real path, inside the datastore), else null. */
export function localFolder(target: StorageTarget, prefix: string): Promise<string | null> {
  return backendOf(target).localFolder(target, prefix);
}
