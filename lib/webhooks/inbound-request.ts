import { MASK } from "@/lib/deployments/settings";

/** The most of an inbound body a delivery keeps (the webhook accepts up to 1 MiB). */
export const STORED_BODY_BYTES = 64 * 1024;
/** The most of a rejected (unauthenticated) body a delivery keeps: enough to see why a signature failed. */
export const STORED_REJECTED_BODY_BYTES = 4 * 1024;

/**
 * The request headers a delivery keeps: an allowlist, so a signature, a shared secret (`aeg-sas-key`),
 * a bearer token or a cookie is never stored, whatever a sender puts in.
 */
export const STORED_HEADERS = [
  "content-type",
  "content-length",
  "user-agent",
  "batchpoint-event-id",
  "idempotency-key",
  "aeg-event-type",
  "aeg-subscription-name",
  "aeg-delivery-count",
  "aeg-data-version",
  "aeg-metadata-version",
] as const;

/** Field names whose values are credentials wherever they appear in a body (idempotencyKey is not). */
const SECRET_KEY =
  /secret|password|passwd|token|signature|credential|connection_?string|account_?key|access_?key|api_?key|private_?key|sas|^key$|^sig$|^code$/i;
/** Query parameters of a URL that carry a credential (a SAS signature, an Event Grid code). */
const SECRET_PARAM = /([?&](?:sig|code|token|key|secret|password|api[-_]?key)=)[^&#\s"]*/gi;
/** Credential parts of an Azure connection string. */
const SECRET_PART = /((?:AccountKey|SharedAccessSignature|SharedAccessKey|Password)=)[^;"\s]*/gi;

function maskText(s: string): string {
  return s.replace(SECRET_PARAM, `$1${MASK}`).replace(SECRET_PART, `$1${MASK}`);
}

function maskValue(value: unknown, key: string | null): unknown {
  if (key && key !== "idempotencyKey" && SECRET_KEY.test(key)) return value === null ? null : MASK;
  if (typeof value === "string") return maskText(value);
  if (Array.isArray(value)) return value.map((v) => maskValue(v, null));
  if (value && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      // A job's variables are secrets by contract (docs/decisions/0018): keep their names only.
      out[k] = k === "environmentVariables" && v && typeof v === "object" ? maskAll(v as Record<string, unknown>) : maskValue(v, k);
    }
    return out;
  }
  return value;
}

const maskAll = (o: Record<string, unknown>) => Object.fromEntries(Object.keys(o).map((k) => [k, MASK]));

/** A body cut at `limit` bytes without splitting a UTF-8 character. */
function cut(text: string, limit: number): string {
  const buf = Buffer.from(text, "utf8");
  if (buf.length <= limit) return text;
  let end = limit;
  while (end > 0 && (buf[end] & 0xc0) === 0x80) end--;
  return buf.subarray(0, end).toString("utf8");
}

export interface RecordedRequest {
  requestBody: string;
  requestBytes: number;
  requestHeaders: Record<string, string>;
}

/**
 * What an inbound delivery keeps of its request: the body with every credential masked (by field
 * name, URL parameter and connection-string part), cut at `limit` bytes, its real size, and the
 * allowlisted headers. A JSON body is kept byte for byte when nothing in it was masked.
 */
export function recordInboundRequest(opts: { rawBody: Buffer; headers: Headers; limit?: number; json?: unknown }): RecordedRequest {
  const limit = opts.limit ?? STORED_BODY_BYTES;
  const raw = opts.rawBody.toString("utf8");
  let text = maskText(raw);
  let parsed = opts.json;
  if (parsed === undefined) {
    try {
      parsed = JSON.parse(raw);
    } catch {
      parsed = undefined;
    }
  }
  if (parsed !== undefined) {
    const masked = maskValue(parsed, null);
    text = JSON.stringify(masked) === JSON.stringify(parsed) ? raw : JSON.stringify(masked, null, 2);
  }
  const requestHeaders: Record<string, string> = {};
  for (const name of STORED_HEADERS) {
    const v = opts.headers.get(name);
    if (v !== null) requestHeaders[name] = maskText(v).slice(0, 512);
  }
  return { requestBody: cut(text, limit), requestBytes: opts.rawBody.length, requestHeaders };
}
