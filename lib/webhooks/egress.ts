import "server-only";
import { lookup as dnsLookup, type LookupAddress, type LookupAllOptions, type LookupOneOptions } from "node:dns";
import http from "node:http";
import https from "node:https";
import { isIP } from "node:net";
import ipaddr from "ipaddr.js";

/**
 * Outbound webhooks go to public addresses only. A workspace owner is a tenant, not the operator:
 * without this an owner could point a webhook at 169.254.169.254, the database or an internal admin
 * page and read the first 2 KB of the answer in the delivery history. Operators whose receivers live
 * on their own network set BATCHPOINT_WEBHOOK_ALLOW_PRIVATE=1.
 */
export const ALLOW_PRIVATE_ENV = "BATCHPOINT_WEBHOOK_ALLOW_PRIVATE";

export function privateDestinationsAllowed(): boolean {
  return process.env[ALLOW_PRIVATE_ENV] === "1";
}

const RANGE_WORDS: Record<string, string> = {
  loopback: "loopback (this machine)",
  private: "private network",
  linkLocal: "link-local (cloud metadata lives here)",
  uniqueLocal: "private network",
  carrierGradeNat: "carrier-grade NAT",
  unspecified: "unspecified",
};

/** The range of an address that is not public internet unicast (e.g. "loopback", "private"), else null. */
export function nonPublicRange(address: string): string | null {
  if (!ipaddr.isValid(address)) return "invalid";
  const range = ipaddr.process(address).range();
  return range === "unicast" ? null : range;
}

export class EgressRefusedError extends Error {
  constructor(what: string) {
    super(
      `${what}; webhooks are delivered to public addresses only (an administrator can allow private ones with ${ALLOW_PRIVATE_ENV}=1).`,
    );
    this.name = "EgressRefusedError";
  }
}

function describe(host: string, address: string, range: string) {
  const kind = RANGE_WORDS[range] ?? range;
  return host === address ? `${address} is a ${kind} address` : `${host} resolves to ${address}, a ${kind} address`;
}

/** Names that mean this machine, whatever DNS says. */
const LOOPBACK_NAMES = new Set(["localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback"]);
/** Suffixes reserved for private networks (RFC 6761/6762/8375, ICANN's .internal). */
const PRIVATE_SUFFIXES = [".localhost", ".local", ".internal", ".home.arpa", ".localdomain"];

/**
 * A URL's host as a resolver sees it: lower case, without IPv6 brackets and without the trailing
 * dot(s) of a fully qualified name, so `LOCALHOST.` and `localhost` are the same name.
 */
export function canonicalHost(url: URL): string {
  return url.hostname
    .replace(/^\[|\]$/g, "")
    .toLowerCase()
    .replace(/\.+$/, "");
}

/** Why a URL's host may not receive webhooks, from the URL alone (loopback names and IP literals); null if it may. */
export function refusedHost(url: URL): string | null {
  if (privateDestinationsAllowed()) return null;
  const host = canonicalHost(url);
  if (!host) return "the URL has no host";
  if (LOOPBACK_NAMES.has(host)) return `${host} is this machine`;
  const suffix = PRIVATE_SUFFIXES.find((s) => host.endsWith(s));
  if (suffix) return `${host} is a private-network name (${suffix.slice(1)})`;
  if (isIP(host)) {
    const range = nonPublicRange(host);
    if (range) return describe(host, host, range);
  }
  return null;
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * A lookup for http.request that fails when a name resolves to any non-public address. The socket
 * connects to exactly the addresses checked here, so a name cannot be re-pointed between check and use.
 */
function publicOnlyLookup(hostname: string, options: LookupOneOptions | LookupAllOptions, callback: LookupCallback) {
  dnsLookup(hostname, { ...options, all: true }, (err, addresses) => {
    if (err) return callback(err, []);
    for (const a of addresses) {
      const range = nonPublicRange(a.address);
      if (range) return callback(new EgressRefusedError(describe(hostname, a.address, range)), []);
    }
    if ((options as LookupAllOptions).all) return callback(null, addresses);
    callback(null, addresses[0].address, addresses[0].family);
  });
}

/**
 * POSTs `body` to a receiver that must be public (see above); no redirects are followed. Resolves
 * with the status and the first `bodyLimit` bytes of the answer; rejects with EgressRefusedError,
 * a TimeoutError after `timeoutMs`, or the network error.
 */
export function postToPublicUrl(
  url: string,
  opts: { headers: Record<string, string>; body: string; timeoutMs: number; bodyLimit: number },
): Promise<{ status: number; bodyStart: string }> {
  const target = new URL(url);
  const refused = refusedHost(target);
  if (refused) return Promise.reject(new EgressRefusedError(refused));
  const client = target.protocol === "https:" ? https : http;
  return new Promise((resolve, reject) => {
    const req = client.request(
      target,
      {
        method: "POST",
        headers: { ...opts.headers, "content-length": String(Buffer.byteLength(opts.body)) },
        ...(privateDestinationsAllowed() ? {} : { lookup: publicOnlyLookup as never }),
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        let settled = false;
        const finish = () => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          resolve({ status: res.statusCode ?? 0, bodyStart: Buffer.concat(chunks).subarray(0, opts.bodyLimit).toString("utf8") });
        };
        res.on("data", (chunk: Buffer) => {
          chunks.push(chunk);
          size += chunk.length;
          if (size >= opts.bodyLimit) {
            finish();
            res.destroy();
          }
        });
        res.on("end", finish);
        res.on("close", finish);
        res.on("error", finish);
      },
    );
    const timer = setTimeout(
      () => req.destroy(Object.assign(new Error(`No answer within ${opts.timeoutMs / 1000} s.`), { name: "TimeoutError" })),
      opts.timeoutMs,
    );
    req.on("error", (e) => {
      clearTimeout(timer);
      reject(e);
    });
    req.end(opts.body);
  });
}
