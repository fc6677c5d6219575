import "server-only";
import type { Readable } from "node:stream";
import {
  AnonymousCredential,
  BlobServiceClient,
  ContainerClient,
  StorageSharedKeyCredential,
} from "@azure/storage-blob";
import { getEnv } from "@/lib/env";

/**
 * Where a datastore's blobs live and how to reach them. `credential` is the decrypted secret
 * (connection string, account key or SAS token) and must never leave the server.
 */
export type StorageTarget =
  | { auth: "platform"; containerName: string }
  | { auth: "connection_string"; containerName: string; credential: string }
  | { auth: "account_key"; accountName: string; containerName: string; credential: string }
  | { auth: "sas"; accountName: string; containerName: string; credential: string }
  /** A public container read without credentials: `containerUrl` is https://<account>.blob.core.windows.net/<container> (or path-style). */
  | { auth: "anonymous"; containerName: string; containerUrl: string };

export interface BlobItem {
  path: string;
  size: number;
  lastModified: Date;
}

const serviceClients = new Map<string, BlobServiceClient>();

function platformService(): BlobServiceClient {
  const cs = getEnv().AZURE_STORAGE_CONNECTION_STRING;
  let client = serviceClients.get(cs);
  if (!client) {
    client = BlobServiceClient.fromConnectionString(cs);
    serviceClients.set(cs, client);
  }
  return client;
}

/** Resolves a target to the SDK's container client; the only place credentials are used. */
export function containerClient(target: StorageTarget): ContainerClient {
  switch (target.auth) {
    case "platform":
      return platformService().getContainerClient(target.containerName);
    case "connection_string":
      return BlobServiceClient.fromConnectionString(target.credential).getContainerClient(target.containerName);
    case "account_key":
      return new BlobServiceClient(
        `https://${target.accountName}.blob.core.windows.net`,
        new StorageSharedKeyCredential(target.accountName, target.credential),
      ).getContainerClient(target.containerName);
    case "anonymous":
      return new ContainerClient(target.containerUrl, new AnonymousCredential());
    case "sas": {
      const sas = target.credential.replace(/^\?/, "");
      return new ContainerClient(
        `https://${target.accountName}.blob.core.windows.net/${target.containerName}?${sas}`,
        new AnonymousCredential(),
      );
    }
  }
}

export async function ensureContainer(target: StorageTarget): Promise<void> {
  await containerClient(target).createIfNotExists();
}

/** Checks the container can be listed with the given credentials; returns a readable reason if not. */
export async function testConnection(target: StorageTarget): Promise<{ ok: true } | { ok: false; reason: string }> {
  try {
    await containerClient(target).listBlobsFlat().byPage({ maxPageSize: 1 }).next();
    return { ok: true };
  } catch (e) {
    const err = e as { statusCode?: number; code?: string; message?: string };
    const reason =
      err.statusCode === 404
        ? "The container does not exist."
        : err.statusCode === 403
          ? "Access was denied: check the key or SAS token and its permissions (read, list)."
          : `Could not reach the storage account (${err.code ?? err.message ?? "unknown error"}).`;
    return { ok: false, reason };
  }
}

/** Every blob under `prefix`, recursively, in name order, one page at a time. */
export async function* listBlobs(target: StorageTarget, prefix: string, pageSize = 1000): AsyncGenerator<BlobItem[]> {
  for await (const page of containerClient(target).listBlobsFlat({ prefix }).byPage({ maxPageSize: pageSize })) {
    yield page.segment.blobItems.map((b) => ({
      path: b.name,
      size: b.properties.contentLength ?? 0,
      lastModified: b.properties.lastModified,
    }));
  }
}

type BlobItemLike = { name: string; properties: { contentLength?: number; lastModified: Date } };

/** One level of a folder: sub-folders and files directly under `prefix`. */
export async function listFolder(
  target: StorageTarget,
  prefix: string,
  opts: { pageSize?: number; continuationToken?: string } = {},
): Promise<{ folders: string[]; files: BlobItem[]; continuationToken?: string }> {
  const p = prefix && !prefix.endsWith("/") ? `${prefix}/` : prefix;
  const iter = containerClient(target)
    .listBlobsByHierarchy("/", { prefix: p })
    .byPage({ maxPageSize: opts.pageSize ?? 500, continuationToken: opts.continuationToken });
  const { value } = await iter.next();
  if (!value) return { folders: [], files: [] };
  return {
    folders: value.segment.blobPrefixes?.map((f: { name: string }) => f.name) ?? [],
    files: value.segment.blobItems.map((b: BlobItemLike) => ({
      path: b.name,
      size: b.properties.contentLength ?? 0,
      lastModified: b.properties.lastModified,
    })),
    continuationToken: value.continuationToken || undefined,
  };
}

export async function uploadBlob(
  target: StorageTarget,
  path: string,
  body: Buffer | string | Readable,
  opts: { contentType?: string; overwrite?: boolean } = {},
): Promise<void> {
  const blob = containerClient(target).getBlockBlobClient(path);
  const conditions = opts.overwrite === false ? { ifNoneMatch: "*" } : undefined;
  const headers = { blobContentType: opts.contentType ?? "application/octet-stream" };
  if (typeof body === "string" || Buffer.isBuffer(body)) {
    const buf = typeof body === "string" ? Buffer.from(body) : body;
    await blob.upload(buf, buf.length, { blobHTTPHeaders: headers, conditions });
  } else {
    await blob.uploadStream(body, 4 * 1024 * 1024, 4, { blobHTTPHeaders: headers, conditions });
  }
}

/** Streams a blob, or the byte range [offset, offset + count) of it. */
export async function downloadBlob(target: StorageTarget, path: string, range?: { offset: number; count: number }): Promise<Readable> {
  const res = await containerClient(target).getBlockBlobClient(path).download(range?.offset ?? 0, range?.count);
  return res.readableStreamBody as Readable;
}

export async function readBlobText(target: StorageTarget, path: string): Promise<string> {
  const buf = await containerClient(target).getBlockBlobClient(path).downloadToBuffer();
  return buf.toString("utf8");
}

export async function blobExists(target: StorageTarget, path: string): Promise<boolean> {
  return containerClient(target).getBlockBlobClient(path).exists();
}

export async function deleteBlob(target: StorageTarget, path: string): Promise<void> {
  await containerClient(target).getBlockBlobClient(path).deleteIfExists();
}

/** A part of a blob: a mini-batch index, or the header that goes first. */
export type BlockKey = number | "header";

/** Block ids must have equal length within a blob: the index zero-padded (or "header"), base64. */
export function blockId(key: BlockKey): string {
  return Buffer.from(`block-${key === "header" ? "header--" : String(key).padStart(8, "0")}`).toString("base64");
}

/** Stages one part of a blob; nothing is visible until commitBlocks. Re-staging the same id replaces it. */
export async function stageBlock(target: StorageTarget, path: string, index: BlockKey, data: Buffer): Promise<void> {
  await containerClient(target).getBlockBlobClient(path).stageBlock(blockId(index), data, data.length);
}

/** Commits staged parts in the given order, making them one blob without copying data. */
export async function commitBlocks(
  target: StorageTarget,
  path: string,
  indexes: BlockKey[],
  opts: { contentType?: string } = {},
): Promise<void> {
  await containerClient(target)
    .getBlockBlobClient(path)
    .commitBlockList(indexes.map(blockId), { blobHTTPHeaders: { blobContentType: opts.contentType ?? "text/csv" } });
}
