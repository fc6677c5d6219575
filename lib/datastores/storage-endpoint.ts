import "server-only";
import { lookup } from "node:dns/promises";
import { isIP } from "node:net";
import { getEnv } from "@/lib/env";
import { nonPublicRange } from "@/lib/webhooks/egress";

/**
 * A datastore is a tenant's storage, never the platform's: a workspace owner who registered the
 * platform's own account would read every workspace's container and the platform's files, and one
 * who registered a loopback or private address would use "test connection" to probe the server's
 * network. Operators whose storage lives on their own network set BATCHPOINT_DATASTORE_ALLOW_PRIVATE=1
 * (the same policy as outbound webhooks, with its own switch); the platform's account stays refused.
 */
export const DATASTORE_ALLOW_PRIVATE_ENV = "BATCHPOINT_DATASTORE_ALLOW_PRIVATE";

export function privateDatastoresAllowed(): boolean {
  return process.env[DATASTORE_ALLOW_PRIVATE_ENV] === "1";
}

/** Where a datastore's requests go: the blob endpoint's URL and the account name. */
export interface StorageEndpoint {
  url: URL;
  accountName: string | null;
}

function kv(cs: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of cs.split(";")) {
    const i = part.indexOf("=");
    if (i > 0) out[part.slice(0, i).trim().toLowerCase()] = part.slice(i + 1).trim();
  }
  return out;
}

/** The blob endpoint a connection string points at (BlobEndpoint, or account + suffix, or the emulator's default). */
export function endpointOfConnectionString(cs: string): StorageEndpoint | null {
  const v = kv(cs);
  if (/^true$/i.test(v.usedevelopmentstorage ?? ""))
    return { url: new URL("http://127.0.0.1:10000/devstoreaccount1"), accountName: "devstoreaccount1" };
  const account = v.accountname ?? null;
  try {
    if (v.blobendpoint) return { url: new URL(v.blobendpoint), accountName: account ?? pathAccount(new URL(v.blobendpoint)) };
    if (account)
      return {
        url: new URL(`${v.defaultendpointsprotocol ?? "https"}://${account}.blob.${v.endpointsuffix ?? "core.windows.net"}`),
        accountName: account,
      };
  } catch {
    return null;
  }
  return null;
}

export function endpointOfAccount(accountName: string): StorageEndpoint {
  return { url: new URL(`https://${accountName}.blob.core.windows.net`), accountName };
}

/** The account of a path-style (emulator) endpoint, `http://host:port/<account>`. */
function pathAccount(url: URL): string | null {
  return url.pathname.split("/").filter(Boolean)[0] ?? null;
}

const hostOf = (url: URL) =>
  url.hostname
    .replace(/^\[|\]$/g, "")
    .replace(/\.+$/, "")
    .toLowerCase();
const portOf = (url: URL) => url.port || (url.protocol === "http:" ? "80" : "443");

/** True when `ep` is the platform's own storage account (the one AZURE_STORAGE_CONNECTION_STRING names). */
export function isPlatformStorage(ep: StorageEndpoint): boolean {
  const platform = endpointOfConnectionString(getEnv().AZURE_STORAGE_CONNECTION_STRING);
  if (!platform) return false;
  const sameAccount = !!ep.accountName && !!platform.accountName && ep.accountName.toLowerCase() === platform.accountName.toLowerCase();
  const sameHost = hostOf(ep.url) === hostOf(platform.url) && portOf(ep.url) === portOf(platform.url);
  if (sameHost) {
    // The emulator serves several accounts on one port; only the platform's own is refused there.
    const a = pathAccount(ep.url) ?? ep.accountName;
    const b = pathAccount(platform.url) ?? platform.accountName;
    return !a || !b || a.toLowerCase() === b.toLowerCase();
  }
  return sameAccount;
}

/**
 * Why a datastore may not use this endpoint, or null if it may: the platform's own storage always;
 * loopback, private and link-local addresses (as written or as the name resolves) unless allowed.
 */
export async function refusedStorageEndpoint(ep: StorageEndpoint): Promise<string | null> {
  if (isPlatformStorage(ep))
    return "This is the platform's own storage account, which cannot be registered as a datastore. Use your own storage account.";
  if (privateDatastoresAllowed()) return null;
  const host = hostOf(ep.url);
  const refusal = `The storage endpoint ${ep.url.host} is not a public address. Datastores must be on public storage (an administrator can allow private addresses with ${DATASTORE_ALLOW_PRIVATE_ENV}=1).`;
  if (host === "localhost" || host.endsWith(".localhost")) return refusal;
  if (isIP(host)) return nonPublicRange(host) ? refusal : null;
  try {
    const addresses = await lookup(host, { all: true });
    if (addresses.some((a) => nonPublicRange(a.address))) return refusal;
  } catch {
    // An unresolvable name is reported by the connection test, in the same words as any unreachable host.
  }
  return null;
}
