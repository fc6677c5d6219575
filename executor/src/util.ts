import { createHash, createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { parse as celParse } from "@marcbachmann/cel-js";

/** Inngest time strings: "300ms", "2h45m", "1.5s", "1d", "1w". Returns milliseconds. */
export function parseDuration(input: string | number): number {
  if (typeof input === "number") return input;
  const s = input.trim();
  if (/^\d+$/.test(s)) return Number(s);
  const re = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h|d|w)/gy;
  const unit: Record<string, number> = {
    ns: 1e-6,
    us: 1e-3,
    µs: 1e-3,
    ms: 1,
    s: 1000,
    m: 60_000,
    h: 3_600_000,
    d: 86_400_000,
    w: 604_800_000,
  };
  let total = 0;
  let matched = 0;
  let m: RegExpExecArray | null;
  re.lastIndex = 0;
  while ((m = re.exec(s))) {
    total += Number(m[1]) * unit[m[2]];
    matched = re.lastIndex;
  }
  if (matched !== s.length || s.length === 0) throw new Error(`invalid duration "${input}"`);
  return Math.round(total);
}

/** A Sleep op's name is either a time string or an ISO date (sleepUntil). Returns the wake-up epoch ms. */
export function sleepUntil(name: string, now = Date.now()): number {
  try {
    return now + parseDuration(name);
  } catch {
    const t = Date.parse(name);
    if (Number.isNaN(t)) throw new Error(`invalid sleep "${name}"`);
    return t;
  }
}

const B32 = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
let lastTime = 0;
let lastRand: number[] = [];
/** Monotonic ULID (Inngest run ids are ULIDs). */
export function ulid(now = Date.now()): string {
  let rand: number[];
  if (now <= lastTime && lastRand.length) {
    now = lastTime;
    rand = lastRand.slice();
    for (let i = rand.length - 1; i >= 0; i--) {
      if (rand[i] < 31) {
        rand[i]++;
        break;
      }
      rand[i] = 0;
    }
  } else {
    const bytes = randomBytes(16);
    rand = Array.from({ length: 16 }, (_, i) => bytes[i] & 31);
  }
  lastTime = now;
  lastRand = rand;
  let t = "";
  let n = now;
  for (let i = 0; i < 10; i++) {
    t = B32[n % 32] + t;
    n = Math.floor(n / 32);
  }
  return t + rand.map((r) => B32[r]).join("");
}

export function removeSigningKeyPrefix(key: string): string {
  return key.replace(/^signkey-[\w]+-/, "");
}

/** What the SDK sends as `Authorization: Bearer ...` when it registers (helpers/strings.ts hashSigningKey). */
export function hashSigningKey(key: string): string {
  const prefix = key.match(/^signkey-[\w]+-/)?.shift() || "";
  return (
    prefix +
    createHash("sha256")
      .update(Buffer.from(removeSigningKeyPrefix(key), "hex"))
      .digest("hex")
  );
}

/** RFC 8785 JSON canonicalization (sorted keys), which the SDK applies to a parsed body before checking its signature. */
export function canonicalize(v: unknown): string {
  if (v === null || typeof v !== "object") return JSON.stringify(v) ?? "null";
  if (typeof (v as { toJSON?: unknown }).toJSON === "function") return canonicalize((v as { toJSON(): unknown }).toJSON());
  if (Array.isArray(v)) return `[${v.map((x) => (x === undefined || typeof x === "function" ? "null" : canonicalize(x))).join(",")}]`;
  const o = v as Record<string, unknown>;
  const keys = Object.keys(o)
    .filter((k) => o[k] !== undefined && typeof o[k] !== "function")
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalize(o[k])}`).join(",")}}`;
}

/** X-Inngest-Signature value: t=<unix seconds>&s=hex(HMAC-SHA256(key without prefix, body + t)). */
export function signBody(body: string, signingKey: string, nowSec = Math.round(Date.now() / 1000)): string {
  const s = createHmac("sha256", removeSigningKeyPrefix(signingKey))
    .update(body + String(nowSec))
    .digest("hex");
  return `t=${nowSec}&s=${s}`;
}

export function verifySignature(header: string | null | undefined, body: string, signingKey: string, maxSkewMs = 5 * 60_000): boolean {
  if (!header) return false;
  const p = new URLSearchParams(header);
  const t = p.get("t");
  const s = p.get("s");
  if (!t || !s) return false;
  if (Math.abs(Date.now() - Number(t) * 1000) > maxSkewMs) return false;
  const expected = createHmac("sha256", removeSigningKeyPrefix(signingKey))
    .update(body + t)
    .digest("hex");
  const a = Buffer.from(expected);
  const b = Buffer.from(s);
  return a.length === b.length && timingSafeEqual(a, b);
}

type Compiled = (ctx: Record<string, unknown>) => unknown;
const celCache = new Map<string, Compiled>();

/** Compile a CEL expression (throws on syntax errors). Cached. */
export function compileExpr(expr: string): Compiled {
  let c = celCache.get(expr);
  if (!c) {
    const fn = celParse(expr) as unknown as Compiled;
    c = (ctx) => fn(ctx);
    celCache.set(expr, c);
  }
  return c;
}

/** Evaluate a CEL expression; a runtime error (e.g. a missing key) yields `undefined`. */
export function evalExpr(expr: string, ctx: Record<string, unknown>): unknown {
  try {
    return compileExpr(expr)(ctx);
  } catch {
    return undefined;
  }
}

export function exprTrue(expr: string | undefined | null, ctx: Record<string, unknown>): boolean {
  if (!expr) return true;
  return evalExpr(expr, ctx) === true;
}

export function exprKey(expr: string, ctx: Record<string, unknown>): string {
  const v = evalExpr(expr, ctx);
  if (v === undefined || v === null) return "";
  if (typeof v === "string") return v;
  if (typeof v === "bigint" || typeof v === "number" || typeof v === "boolean") return String(v);
  return JSON.stringify(v, (_k, x) => (typeof x === "bigint" ? x.toString() : x));
}

export function byteLength(v: unknown): number {
  if (v === undefined) return 0;
  return Buffer.byteLength(JSON.stringify(v) ?? "");
}
