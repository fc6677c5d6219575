import "server-only";
import { lookup } from "node:dns/promises";
import { getStorageTargetOrThrow } from "@/lib/datastores/datastores";
import { AppError } from "@/lib/errors";
import { blobExists, listBlobs, type StorageTarget } from "@/lib/storage";
import { ALLOW_PRIVATE_ENV, nonPublicRange, privateDestinationsAllowed, refusedHost } from "@/lib/webhooks/egress";
import type { DataPath } from "./data-paths";

/**
 * Why the server may not fetch from a URL's host: the egress policy of outbound webhooks (public
 * addresses only, unless the operator allows private ones). Without it a blob URL with no SAS token
 * would let any scientist make the server read 127.0.0.1, the cloud metadata address or an internal host.
 */
export async function refusedDataHost(url: URL): Promise<string | null> {
  const why = refusedHost(url);
  if (why || privateDestinationsAllowed()) return why;
  const host = url.hostname.replace(/^\[|\]$/g, "");
  let addresses;
  try {
    addresses = await lookup(host, { all: true });
  } catch {
    return `${host} cannot be resolved`;
  }
  for (const a of addresses) {
    const range = nonPublicRange(a.address);
    if (range) return `${host} resolves to ${a.address}, a ${range} address`;
  }
  return null;
}

/** Checks a public container can be read anonymously at `path`, and says in plain words why not. */
async function checkAnonymousRead(target: StorageTarget, url: string, path: string): Promise<void> {
  const isFile = !!path && !path.endsWith("/");
  try {
    const { value: first } = await listBlobs(target, path, 1).next();
    if (first?.length) return;
  } catch (e) {
    const status = (e as { statusCode?: number }).statusCode;
    // A container with blob-level public access allows reading a blob but not listing the container.
    if (isFile && (status === 403 || status === 404) && (await blobExists(target, path).catch(() => false))) return;
    if (status === 403 || status === 404) {
      throw new AppError(
        "BAD_REQUEST",
        `${url} cannot be read without credentials: the container is not public (anonymous read access is off) or does not exist. Make the container public, add a SAS token (…?sv=…&sig=…), or register it as a datastore.`,
      );
    }
    throw new AppError("BAD_REQUEST", `Could not read ${url}: ${(e as Error).message.split("\n")[0]}`);
  }
  throw new AppError(
    "BAD_REQUEST",
    `${url}: the path does not exist in the public container (no blob is named so or lies under it). An https URL without a SAS token can only be read, so it cannot be an output location.`,
  );
}

/** The storage target behind a data path; a datastore must belong to the workspace. A blob URL without a SAS token is read anonymously from a public host. */
export async function resolveDataTarget(opts: { workspaceId: string; path: DataPath }): Promise<StorageTarget> {
  const p = opts.path;
  if (p.kind === "datastore") return getStorageTargetOrThrow({ workspaceId: opts.workspaceId, name: p.datastore });
  if (!p.sas) {
    const url = `${p.endpoint}/${p.containerName}/${p.path}`;
    const why = await refusedDataHost(new URL(p.endpoint));
    if (why)
      throw new AppError(
        "BAD_REQUEST",
        `${why}: data is read from public addresses only (an administrator can allow private ones with ${ALLOW_PRIVATE_ENV}=1). Use a datastore for private storage.`,
      );
    const target: StorageTarget = {
      auth: "anonymous",
      containerName: p.containerName,
      containerUrl: `${p.endpoint}/${encodeURIComponent(p.containerName)}`,
    };
    await checkAnonymousRead(target, url, p.path);
    return target;
  }
  if (p.endpoint.includes(".blob.core.windows.net"))
    return { auth: "sas", accountName: p.accountName, containerName: p.containerName, credential: p.sas };
  return {
    auth: "connection_string",
    containerName: p.containerName,
    credential: `BlobEndpoint=${p.endpoint};SharedAccessSignature=${p.sas}`,
  };
}
