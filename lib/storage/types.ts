import type { Readable } from "node:stream";

/**
 * Where a datastore's blobs live and how to reach them. `credential` is the decrypted secret
 * (connection string, account key or SAS token) and must never leave the server.
 */
export type AzureTarget =
  | { auth: "platform"; containerName: string }
  | { auth: "connection_string"; containerName: string; credential: string }
  | { auth: "account_key"; accountName: string; containerName: string; credential: string }
  | { auth: "sas"; accountName: string; containerName: string; credential: string }
  /** A public container read without credentials: `containerUrl` is https://<account>.blob.core.windows.net/<container> (or path-style). */
  | { auth: "anonymous"; containerName: string; containerUrl: string };

/**
 * A filesystem datastore: the folder `<datastores dir>/<workspaceId>/stores/<folder>` on the server
 * (see lib/storage/filesystem.ts). Both parts are platform-chosen ids, never a tenant's input.
 */
export type FilesystemTarget = { auth: "filesystem"; workspaceId: string; folder: string };

export type StorageTarget = AzureTarget | FilesystemTarget;

export interface BlobItem {
  path: string;
  size: number;
  lastModified: Date;
}

/** A listed name the platform will not use (e.g. `../x` from a backslash upload, a link out of a folder), and why. */
export interface RefusedName {
  name: string;
  reason: string;
}

/** A part of a blob: a mini-batch index, or the header that goes first. */
export type BlockKey = number | "header";

export type FolderListing = { folders: string[]; files: BlobItem[]; refused: RefusedName[]; continuationToken?: string };

/**
 * What every kind of datastore implements; lib/storage/index.ts picks the implementation from the
 * target, so callers never branch on the kind. Names are checked by lib/storage/names.ts in every
 * implementation; a missing blob is an error with `statusCode: 404` (and `code: "BlobNotFound"`).
 */
export interface StorageBackend<T> {
  ensureContainer(target: T): Promise<void>;
  testConnection(target: T): Promise<{ ok: true } | { ok: false; reason: string }>;
  /** Every blob under `prefix`, recursively, in name order, one page at a time; refused names go to `onRefused`. */
  listBlobs(target: T, prefix: string, pageSize?: number, onRefused?: (r: RefusedName) => void): AsyncGenerator<BlobItem[]>;
  /** One level of a folder: sub-folders (ending in '/') and files directly under `prefix`. */
  listFolder(target: T, prefix: string, opts?: { pageSize?: number; continuationToken?: string }): Promise<FolderListing>;
  uploadBlob(
    target: T,
    path: string,
    body: Buffer | string | Readable,
    opts?: { contentType?: string; overwrite?: boolean },
  ): Promise<void>;
  /** Streams a blob, or the byte range [offset, offset + count) of it. */
  downloadBlob(target: T, path: string, range?: { offset: number; count: number }): Promise<Readable>;
  readBlobText(target: T, path: string): Promise<string>;
  blobExists(target: T, path: string): Promise<boolean>;
  /** A blob's size in bytes, or null when it does not exist. */
  blobSize(target: T, path: string): Promise<number | null>;
  deleteBlob(target: T, path: string): Promise<void>;
  /** Stages one part of a blob; nothing is visible until commitBlocks. Re-staging the same key replaces it. */
  stageBlock(target: T, path: string, index: BlockKey, data: Buffer, scope?: string): Promise<void>;
  /** Makes the given parts (staged, or already committed) the blob's content, in this order. */
  commitBlocks(target: T, path: string, indexes: BlockKey[], opts?: { contentType?: string; scope?: string }): Promise<void>;
  /** The parts of a blob that exist, committed or only staged, with the given scope; none when the blob does not exist. */
  listBlocks(target: T, path: string, scope?: string): Promise<{ committed: BlockKey[]; uncommitted: BlockKey[] }>;
  /**
   * The blob as a file on this server that can be read in place (its real path, checked to lie inside
   * the datastore's folder), or null when the datastore is not local. Throws 404 when it does not exist.
   */
  localFile(target: T, path: string): Promise<string | null>;
  /** A folder of the datastore as a local folder (its real path inside the datastore's folder), or null. */
  localFolder(target: T, prefix: string): Promise<string | null>;
}
