import { createHash, createHmac, timingSafeEqual } from "node:crypto";

/** The header carrying `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">`, as Stripe does. */
export const SIGNATURE_HEADER = "batchpoint-signature";
export const SIGNATURE_TOLERANCE_SECONDS = 5 * 60;

function hmac(secret: string, timestamp: number, body: Buffer | string): string {
  return createHmac("sha256", secret).update(`${timestamp}.`).update(body).digest("hex");
}

/** The signature header value for a body sent at `timestamp` (unix seconds). */
export function signPayload(opts: { secret: string; body: Buffer | string; timestamp?: number }): string {
  const t = opts.timestamp ?? Math.floor(Date.now() / 1000);
  return `t=${t},v1=${hmac(opts.secret, t, opts.body)}`;
}

export type SignatureCheck = { ok: true; timestamp: number; signature: string } | { ok: false; reason: string };

/**
 * Verifies a signature header over the exact raw bytes received. Accepts any `v1` entry (several
 * during a secret rotation), compares in constant time, and refuses timestamps more than
 * `toleranceSeconds` away from now, so a captured request cannot be replayed later.
 */
export function verifySignature(opts: {
  secret: string;
  header: string | null | undefined;
  body: Buffer | string;
  now?: number;
  toleranceSeconds?: number;
}): SignatureCheck {
  if (!opts.header) return { ok: false, reason: "missing Batchpoint-Signature header" };
  let timestamp: number | undefined;
  const signatures: string[] = [];
  for (const part of opts.header.split(",")) {
    const [k, v] = part.trim().split("=", 2);
    if (k === "t" && /^\d{1,12}$/.test(v ?? "")) timestamp = Number(v);
    if (k === "v1" && /^[0-9a-f]{64}$/i.test(v ?? "")) signatures.push(v.toLowerCase());
  }
  if (timestamp === undefined || signatures.length === 0) return { ok: false, reason: "malformed Batchpoint-Signature header" };
  const now = opts.now ?? Math.floor(Date.now() / 1000);
  if (Math.abs(now - timestamp) > (opts.toleranceSeconds ?? SIGNATURE_TOLERANCE_SECONDS)) {
    return { ok: false, reason: "timestamp outside the 5-minute tolerance" };
  }
  const expected = Buffer.from(hmac(opts.secret, timestamp, opts.body), "hex");
  const match = signatures.find((s) => timingSafeEqual(Buffer.from(s, "hex"), expected));
  return match ? { ok: true, timestamp, signature: match } : { ok: false, reason: "signature does not match" };
}

/** Constant-time comparison of a presented shared secret (Event Grid's `?code=` or `aeg-sas-key`). */
export function secretMatches(presented: string | null | undefined, secret: string): boolean {
  if (!presented) return false;
  const digest = (v: string) => createHash("sha256").update(v, "utf8").digest();
  return timingSafeEqual(digest(presented), digest(secret));
}
