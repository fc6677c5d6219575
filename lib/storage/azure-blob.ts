import "server-only";
import { createHash } from "node:crypto";
import type { Readable } from "node:stream";
import { AnonymousCredential, BlobServiceClient, ContainerClient, StorageSharedKeyCredential } from "@azure/storage-blob";
import { getEnv } from "@/lib/env";
import { assertSafeName, assertSafePrefix, nameProblem, prefixProblem } from "./names";
import type { AzureTarget, BlobItem, BlockKey, RefusedName, StorageBackend } from "./types";

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

function newContainerClient(target: AzureTarget): ContainerClient {
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

// Each new client has its own pipeline and HTTP agents, so a client made per call opens a new
// connection per request. Clients are kept per target (keyed by a hash, never the credential itself),
// so requests to one container reuse kept-alive connections.
const MAX_CACHED_CLIENTS = 256;
const containerClients = new Map<string, ContainerClient>();

function clientKey(target: AzureTarget): string {
  const platform = target.auth === "platform" ? getEnv().AZURE_STORAGE_CONNECTION_STRING : "";
  return createHash("sha256")
    .update(JSON.stringify([target, platform]))
    .digest("hex");
}

/** Resolves a target to the SDK's container client; the only place credentials are used. */
export function containerClient(target: AzureTarget): ContainerClient {
  const key = clientKey(target);
  let client = containerClients.get(key);
  if (client) {
    containerClients.delete(key); // most recently used last
  } else {
    client = newContainerClient(target);
    if (containerClients.size >= MAX_CACHED_CLIENTS) containerClients.delete(containerClients.keys().next().value!);
  }
  containerClients.set(key, client);
  return client;
}

/** A blob of the container, by a name checked to stay inside it (see lib/storage/names.ts). */
function blockBlob(target: AzureTarget, path: string) {
  return containerClient(target).getBlockBlobClient(assertSafeName(path));
}

export async function ensureContainer(target: AzureTarget): Promise<void> {
  await containerClient(target).createIfNotExists();
}

/** Storage's own error codes: an answer that came from a storage account, not from some other service. */
const STORAGE_DENIED = new Set([
  "AuthenticationFailed",
  "AuthorizationFailure",
  "AuthorizationPermissionMismatch",
  "AuthorizationResourceTypeMismatch",
  "InvalidAuthenticationInfo",
  "NoAuthenticationInformation",
  "AccountIsDisabled",
]);

/** The one answer for every host that is not a storage account we can use: nothing about its ports or services. */
export const UNREACHABLE_REASON =
  "Could not reach a storage account at this address. Check the account name or endpoint and that the account allows access from this server.";

/**
 * Checks the container can be listed with the given credentials; returns a readable reason if not.
 * Only answers from a storage account get a specific reason; anything else (refused, timed out, not
 * storage) gets UNREACHABLE_REASON, so the test cannot be used to map other hosts' ports.
 */
export async function testConnection(target: AzureTarget): Promise<{ ok: true } | { ok: false; reason: string }> {
  try {
    await containerClient(target)
      .listBlobsFlat({ abortSignal: AbortSignal.timeout(15_000) })
      .byPage({ maxPageSize: 1 })
      .next();
    return { ok: true };
  } catch (e) {
    const err = e as { statusCode?: number; code?: string; details?: { errorCode?: string } };
    const code = err.details?.errorCode ?? err.code ?? "";
    if (code === "ContainerNotFound") return { ok: false, reason: "The container does not exist." };
    if (STORAGE_DENIED.has(code))
      return { ok: false, reason: "Access was denied: check the key or SAS token and its permissions (read, list)." };
    return { ok: false, reason: UNREACHABLE_REASON };
  }
}

function defaultOnRefused(r: RefusedName) {
  console.warn(`[batchpoint] skipped blob ${JSON.stringify(r.name.slice(0, 200))}: its name ${r.reason}.`);
}

/**
 * Every blob under `prefix`, recursively, in name order, one page at a time. Names that could escape
 * the container or a local folder are skipped and passed to `onRefused` (default: a warning).
 */
export async function* listBlobs(
  target: AzureTarget,
  prefix: string,
  pageSize = 1000,
  onRefused: (r: RefusedName) => void = defaultOnRefused,
): AsyncGenerator<BlobItem[]> {
  assertSafePrefix(prefix);
  for await (const page of containerClient(target).listBlobsFlat({ prefix }).byPage({ maxPageSize: pageSize })) {
    const items: BlobItem[] = [];
    for (const b of page.segment.blobItems) {
      const reason = nameProblem(b.name);
      if (reason) onRefused({ name: b.name, reason });
      else items.push({ path: b.name, size: b.properties.contentLength ?? 0, lastModified: b.properties.lastModified });
    }
    yield items;
  }
}

type BlobItemLike = { name: string; properties: { contentLength?: number; lastModified: Date } };

/**
 * One level of a folder: sub-folders and files directly under `prefix`. Names that could escape the
 * container or a local folder are left out and listed in `refused` with the reason.
 */
export async function listFolder(
  target: AzureTarget,
  prefix: string,
  opts: { pageSize?: number; continuationToken?: string } = {},
): Promise<{ folders: string[]; files: BlobItem[]; refused: RefusedName[]; continuationToken?: string }> {
  const p = prefix && !prefix.endsWith("/") ? `${prefix}/` : prefix;
  assertSafePrefix(p);
  const iter = containerClient(target)
    .listBlobsByHierarchy("/", { prefix: p })
    .byPage({ maxPageSize: opts.pageSize ?? 500, continuationToken: opts.continuationToken });
  const { value } = await iter.next();
  if (!value) return { folders: [], files: [], refused: [] };
  const refused: RefusedName[] = [];
  const folders: string[] = [];
  for (const f of (value.segment.blobPrefixes ?? []) as { name: string }[]) {
    const reason = prefixProblem(f.name);
    if (reason) refused.push({ name: f.name, reason });
    else folders.push(f.name);
  }
  const files: BlobItem[] = [];
  for (const b of value.segment.blobItems as BlobItemLike[]) {
    const reason = nameProblem(b.name);
    if (reason) refused.push({ name: b.name, reason });
    else files.push({ path: b.name, size: b.properties.contentLength ?? 0, lastModified: b.properties.lastModified });
  }
  return { folders, files, refused, continuationToken: value.continuationToken || undefined };
}

export async function uploadBlob(
  target: AzureTarget,
  path: string,
  body: Buffer | string | Readable,
  opts: { contentType?: string; overwrite?: boolean } = {},
): Promise<void> {
  const blob = blockBlob(target, path);
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
export async function downloadBlob(target: AzureTarget, path: string, range?: { offset: number; count: number }): Promise<Readable> {
  const res = await blockBlob(target, path).download(range?.offset ?? 0, range?.count);
  return res.readableStreamBody as Readable;
}

export async function readBlobText(target: AzureTarget, path: string): Promise<string> {
  const buf = await blockBlob(target, path).downloadToBuffer();
  return buf.toString("utf8");
}

export async function blobExists(target: AzureTarget, path: string): Promise<boolean> {
  return blockBlob(target, path).exists();
}

/** A blob's size in bytes, or null when it does not exist. */
export async function blobSize(target: AzureTarget, path: string): Promise<number | null> {
  try {
    return (await blockBlob(target, path).getProperties()).contentLength ?? 0;
  } catch (e) {
    if ((e as { statusCode?: number }).statusCode === 404) return null;
    throw e;
  }
}

export async function deleteBlob(target: AzureTarget, path: string): Promise<void> {
  await blockBlob(target, path).deleteIfExists();
}

/**
 * Block ids must have equal length within a blob: the index zero-padded (or "header"), base64. A
 * `scope` (8 characters, e.g. from the job's id) makes the ids one job's own, so two jobs staging
 * into the same blob never take each other's parts.
 */
export function blockId(key: BlockKey, scope?: string): string {
  return Buffer.from(`${scope ? `${scope}:` : ""}block-${key === "header" ? "header--" : String(key).padStart(8, "0")}`).toString("base64");
}

function blockKey(id: string, scope?: string): BlockKey | null {
  const m = /^(?:([^:]{8}):)?block-(header--|\d{8})$/.exec(Buffer.from(id, "base64").toString("utf8"));
  if (!m || (m[1] ?? undefined) !== scope) return null;
  return m[2] === "header--" ? "header" : Number(m[2]);
}

/** Stages one part of a blob; nothing is visible until commitBlocks. Re-staging the same id replaces it. */
export async function stageBlock(target: AzureTarget, path: string, index: BlockKey, data: Buffer, scope?: string): Promise<void> {
  await blockBlob(target, path).stageBlock(blockId(index, scope), data, data.length);
}

/** Commits staged (or already committed) parts in the given order, making them one blob without copying data. */
export async function commitBlocks(
  target: AzureTarget,
  path: string,
  indexes: BlockKey[],
  opts: { contentType?: string; scope?: string } = {},
): Promise<void> {
  await blockBlob(target, path).commitBlockList(
    indexes.map((i) => blockId(i, opts.scope)),
    { blobHTTPHeaders: { blobContentType: opts.contentType ?? "text/csv" } },
  );
}

/** The parts of a blob that exist, committed or only staged, with the given scope; none when the blob does not exist. */
export async function listBlocks(
  target: AzureTarget,
  path: string,
  scope?: string,
): Promise<{ committed: BlockKey[]; uncommitted: BlockKey[] }> {
  try {
    const list = await blockBlob(target, path).getBlockList("all");
    const keys = (blocks: { name: string }[] | undefined) =>
      (blocks ?? []).map((b) => blockKey(b.name, scope)).filter((k): k is BlockKey => k !== null);
    return { committed: keys(list.committedBlocks), uncommitted: keys(list.uncommittedBlocks) };
  } catch (e) {
    if ((e as { statusCode?: number }).statusCode === 404) return { committed: [], uncommitted: [] };
    throw e;
  }
}

/** Azure Blob (and Azurite) behind the one storage interface. */
export const azureBlobBackend: StorageBackend<AzureTarget> = {
  ensureContainer,
  testConnection,
  listBlobs,
  listFolder,
  uploadBlob,
  downloadBlob,
  readBlobText,
  blobExists,
  blobSize,
  deleteBlob,
  stageBlock,
  commitBlocks,
  listBlocks,
  localFile: async () => null,
  localFolder: async () => null,
};
