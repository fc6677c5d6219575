import { createWriteStream } from "node:fs";
import { mkdir } from "node:fs/promises";
import path from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { ApiError } from "./errors";
import type { Credentials } from "./config";

type Query = Record<string, string | number | undefined>;

/**
 * A thin client of the REST API v1: bearer token, JSON bodies, the API's one error shape. Callers name
 * the answer's type from ./api (generated from the server's OpenAPI document).
 */
export class ApiClient {
  constructor(private readonly creds: Credentials) {}

  get baseUrl() {
    return this.creds.url;
  }

  url(pathname: string, query: Query = {}): string {
    const u = new URL(`${this.creds.url}/api/v1${pathname}`);
    for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== "") u.searchParams.set(k, String(v));
    return u.toString();
  }

  async request(
    method: string,
    pathname: string,
    opts: { query?: Query; json?: unknown; body?: BodyInit; headers?: Record<string, string> } = {},
  ): Promise<Response> {
    const headers: Record<string, string> = { authorization: `Bearer ${this.creds.token}`, accept: "application/json", ...opts.headers };
    let body = opts.body;
    if (opts.json !== undefined) {
      headers["content-type"] = "application/json";
      body = JSON.stringify(opts.json);
    }
    let res: Response;
    try {
      res = await fetch(this.url(pathname, opts.query), {
        method,
        headers,
        body,
        ...(body instanceof ReadableStream ? { duplex: "half" } : {}),
      } as RequestInit);
    } catch (e) {
      const cause = (e as { cause?: { code?: string; message?: string } }).cause;
      throw new Error(`cannot reach ${this.creds.url}: ${cause?.code ?? cause?.message ?? (e as Error).message}`);
    }
    if (!res.ok) throw await toApiError(res, method, pathname);
    return res;
  }

  async json<T>(
    method: string,
    pathname: string,
    opts: { query?: Query; json?: unknown; body?: BodyInit; headers?: Record<string, string> } = {},
  ): Promise<T> {
    const res = await this.request(method, pathname, opts);
    const text = await res.text();
    return (text ? JSON.parse(text) : {}) as T;
  }

  get<T>(pathname: string, query?: Query) {
    return this.json<T>("GET", pathname, { query });
  }

  /**
   * Streams a response body into `dir`, named as the server's content-disposition says (or `fallback`);
   * returns the file written and its size.
   */
  async download(pathname: string, dir: string, fallback: string, query?: Query): Promise<{ file: string; bytes: number }> {
    const res = await this.request("GET", pathname, { query, headers: { accept: "*/*" } });
    const named = /filename="?([^";]+)"?/i.exec(res.headers.get("content-disposition") ?? "")?.[1];
    const file = path.join(dir, path.basename(named?.trim() || fallback));
    await mkdir(dir, { recursive: true });
    let bytes = 0;
    const body = res.body ? Readable.fromWeb(res.body as import("node:stream/web").ReadableStream) : Readable.from([]);
    body.on("data", (chunk: Buffer) => (bytes += chunk.length));
    await pipeline(body, createWriteStream(file));
    return { file, bytes };
  }
}

async function toApiError(res: Response, method: string, pathname: string): Promise<ApiError> {
  const text = await res.text().catch(() => "");
  try {
    const body = JSON.parse(text) as { error?: { code?: string; message?: string; details?: ApiError["details"] } };
    if (body.error?.message) return new ApiError(res.status, body.error.code ?? String(res.status), body.error.message, body.error.details);
  } catch {
    // not the API's JSON error shape; described below
  }
  const hint = res.status === 404 ? " (is this server's API older than this CLI?)" : "";
  return new ApiError(res.status, String(res.status), `${method} /api/v1${pathname} answered ${res.status} ${res.statusText}${hint}`);
}
