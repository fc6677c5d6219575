import "server-only";
import { decryptSecret, encryptSecret } from "@/lib/crypto/secret-box";
import { db } from "@/lib/db";
import { endpointOfConnectionString, refusedStorageEndpoint } from "@/lib/datastores/storage-endpoint";
import { fieldError } from "@/lib/errors";
import type { StorageTarget } from "@/lib/storage";
import type { SourceStorage } from "./schema";

/** What a job keeps sealed (lib/crypto): never in `inputs` or `settings`, never returned. */
export interface JobSecrets {
  /** The job's storage account as a connection string (account key or SAS, with its blob endpoint). */
  storage?: { connectionString: string };
  /** watsonx's per-job scoring.environment_variables. */
  environmentVariables?: Record<string, string>;
}

/** The per-job storage credentials as one connection string, refused by the datastores' egress policy. */
export async function storageConnectionString(storage: SourceStorage): Promise<string> {
  const endpoint = (storage.blobEndpoint ?? `https://${storage.storageAccount}.blob.core.windows.net`).replace(/\/+$/, "");
  const cs = storage.sasToken
    ? `BlobEndpoint=${endpoint};SharedAccessSignature=${storage.sasToken.replace(/^\?/, "")}`
    : `DefaultEndpointsProtocol=${new URL(endpoint).protocol.replace(":", "")};AccountName=${storage.storageAccount};AccountKey=${storage.storageAccountKey};BlobEndpoint=${endpoint}`;
  const ep = endpointOfConnectionString(cs);
  if (!ep) throw fieldError("storage.blobEndpoint", "The storage endpoint is not a valid URL.");
  const refused = await refusedStorageEndpoint({ url: ep.url, accountName: storage.storageAccount });
  if (refused) throw fieldError(storage.blobEndpoint ? "storage.blobEndpoint" : "storage.storageAccount", refused);
  return cs;
}

export function sealJobSecrets(secrets: JobSecrets): string | null {
  if (!secrets.storage && !secrets.environmentVariables) return null;
  return encryptSecret(JSON.stringify(secrets));
}

/** The job's secrets, read by name (the column is omitted from every other query). */
export async function openJobSecrets(jobId: string): Promise<JobSecrets> {
  const row = await db.job.findUnique({ where: { id: jobId }, select: { secretsCiphertext: true } });
  return unsealJobSecrets(row?.secretsCiphertext ?? null);
}

/** What sealJobSecrets sealed; a job without secrets has none. */
function unsealJobSecrets(ciphertext: string | null): JobSecrets {
  return ciphertext ? (JSON.parse(decryptSecret(ciphertext)) as JobSecrets) : {};
}

// A job's secrets never change: the scoring hot path reads them once per process and job.
const cache = new Map<string, Promise<JobSecrets>>();
export function cachedJobSecrets(jobId: string): Promise<JobSecrets> {
  let hit = cache.get(jobId);
  if (!hit) {
    hit = openJobSecrets(jobId);
    hit.catch(() => cache.delete(jobId));
    remember(jobId, hit);
  }
  return hit;
}

/**
 * Fills the cache from a sealed column the caller read already (a lane reads its job and the job's
 * secrets in one query): the first mini-batch of a lane then needs no query of its own for them.
 */
export function primeJobSecrets(jobId: string, ciphertext: string | null): void {
  if (cache.has(jobId)) return;
  remember(jobId, Promise.resolve(unsealJobSecrets(ciphertext)));
}

function remember(jobId: string, secrets: Promise<JobSecrets>) {
  if (cache.size >= 1000) cache.clear();
  cache.set(jobId, secrets);
}

export function hasSecrets(s: JobSecrets): boolean {
  return !!s.storage || Object.keys(s.environmentVariables ?? {}).length > 0;
}

/** The storage target of one container of the job's own account. */
export function sourceTarget(secrets: JobSecrets, containerName: string): StorageTarget {
  if (!secrets.storage) throw new Error("The job has no storage credentials for its sources.");
  return { auth: "connection_string", containerName, credential: secrets.storage.connectionString };
}

/**
 * Text with every secret value of the job replaced by ********: logs, errors and tracebacks the
 * script produced may print a variable or the key, and they are shown to every reader of the job.
 */
export function redactSecrets(text: string, secrets: JobSecrets): string {
  const values = [
    ...Object.values(secrets.environmentVariables ?? {}),
    ...(secrets.storage ? secretParts(secrets.storage.connectionString) : []),
  ].filter((v) => v.length >= 4);
  let out = text;
  for (const v of values.sort((a, b) => b.length - a.length)) out = out.split(v).join("********");
  return out;
}

function secretParts(cs: string): string[] {
  return cs
    .split(";")
    .map((p) => p.split(/=(.*)/s))
    .filter(([k]) => /^(AccountKey|SharedAccessSignature)$/i.test(k ?? ""))
    .map(([, v]) => v ?? "");
}
