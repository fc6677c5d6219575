import { AppError } from "@/lib/errors";

/** JSON bodies of the REST API and the dashboard's routes: larger ones are refused unread. */
export const MAX_JSON_BODY_BYTES = 1024 * 1024;
/** Multipart forms (model files): read into memory, so bounded. Larger models go through the files API. */
export const MAX_FORM_BODY_BYTES = 1024 * 1024 * 1024;

function tooLarge(limit: number) {
  const size = limit >= 1024 * 1024 ? `${Math.round(limit / (1024 * 1024))} MiB` : `${Math.round(limit / 1024)} KiB`;
  return new AppError("PAYLOAD_TOO_LARGE", `The request body is larger than ${size}; send less.`);
}

/**
 * Reads a request's body, at most `limit` bytes. A Content-Length over the limit is refused before
 * anything is read; a body without a length (chunked) is read chunk by chunk and the read stops
 * (the stream is cancelled) as soon as it passes the limit, so memory never holds more than
 * `limit` plus one chunk. Throws AppError PAYLOAD_TOO_LARGE (413).
 */
export async function readBody(request: Request, opts: { limit: number }): Promise<Buffer> {
  const declared = request.headers.get("content-length");
  if (declared !== null && /^\d+$/.test(declared.trim()) && Number(declared) > opts.limit) throw tooLarge(opts.limit);
  if (!request.body) return Buffer.alloc(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > opts.limit) {
      await reader.cancel().catch(() => {});
      throw tooLarge(opts.limit);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks, size);
}

/** The request's JSON body (at most `limit` bytes, default 1 MiB); an empty body is `{}`, invalid JSON a 400 that says so. */
export async function readJsonBody(request: Request, opts: { limit?: number } = {}): Promise<unknown> {
  const text = (await readBody(request, { limit: opts.limit ?? MAX_JSON_BODY_BYTES })).toString("utf8");
  if (!text.trim()) return {};
  try {
    return JSON.parse(text);
  } catch {
    throw new AppError("BAD_REQUEST", "The request body is not valid JSON.");
  }
}

/** A multipart or urlencoded form, at most `limit` bytes (default 1 GiB), parsed after the bounded read. */
export async function readFormData(request: Request, opts: { limit?: number } = {}): Promise<FormData> {
  const body = await readBody(request, { limit: opts.limit ?? MAX_FORM_BODY_BYTES });
  const contentType = request.headers.get("content-type") ?? "";
  return new Response(body as unknown as BodyInit, { headers: { "content-type": contentType } }).formData();
}
