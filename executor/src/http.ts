import { timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { Db } from "./db";
import { LIMITS } from "./config";
import { Engine, HttpError } from "./engine";
import { hashSigningKey } from "./util";

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req) {
    size += (c as Buffer).length;
    if (size > LIMITS.maxRequestBytes) throw new HttpError(413, `request body over ${LIMITS.maxRequestBytes} bytes`);
    chunks.push(c as Buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
  res.end(text);
}

export interface HttpDeps {
  engine: Engine;
  db: Db;
  /** Signed mode: every route but the bare health check requires `Authorization: Bearer <hashed signing key>`. */
  signingKey?: string;
  eventKey?: string;
  /** Syncs the app URLs the operator configured; `only` picks one of them (anything else is refused). */
  syncApps(only?: string): Promise<void>;
}

function sameSecret(given: string | undefined, expected: string): boolean {
  if (given === undefined) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

const RUN_COLS = `id, function_id, status, event_id, event, output, error, parent_run_id, parent_step_id, state_bytes,
  created_at, started_at, ended_at`;

export function createHttpServer(d: HttpDeps): Server {
  return createServer((req, res) => {
    handle(d, req, res).catch((e) => {
      const status = e instanceof HttpError ? e.status : 500;
      if (status === 500) console.error(e);
      if (!res.headersSent) send(res, status, { status, error: (e as Error).message });
      else res.end();
    });
  });
}

async function handle(d: HttpDeps, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? "/", "http://x");
  const path = url.pathname.replace(/\/+$/, "") || "/";
  const method = req.method ?? "GET";
  let m: RegExpMatchArray | null;

  if (method === "GET" && (path === "/health" || path === "/") && d.signingKey && !apiAuthorized(d, req)) {
    return send(res, 200, { status: "ok" }); // liveness only; details need the key
  }
  if (method === "POST" && path === "/fn/register") {
    const body = JSON.parse((await readBody(req)) || "{}");
    const out = await d.engine.register(body, req.headers.authorization);
    return send(res, out.status, out.body);
  }
  if (method === "POST" && (m = path.match(/^\/e\/([^/]+)$/))) {
    if (d.eventKey && !sameSecret(decodeURIComponent(m[1]), d.eventKey)) return send(res, 401, { status: 401, error: "invalid event key" });
    let body: unknown;
    try {
      body = JSON.parse(await readBody(req));
    } catch (e) {
      if (e instanceof HttpError) throw e;
      return send(res, 400, { status: 400, error: "body must be JSON" });
    }
    const ids = await d.engine.ingest(body);
    return send(res, 200, { ids, status: 200 });
  }
  // Everything below reads or changes runs: in signed mode it needs the (hashed) signing key.
  if (d.signingKey && !apiAuthorized(d, req)) {
    return send(res, 401, { status: 401, error: "Authorization: Bearer <hashed signing key> is required" });
  }
  if (method === "GET" && (path === "/health" || path === "/")) {
    return send(res, 200, { status: "ok", functions: d.engine.fns.size });
  }
  if (method === "POST" && path === "/v1/apps/sync") {
    let body: unknown;
    try {
      body = JSON.parse((await readBody(req)) || "{}");
    } catch (e) {
      if (e instanceof HttpError) throw e;
      return send(res, 400, { error: 'body must be JSON: {} or {"url": one of the configured app URLs}' });
    }
    const { url: only, ...unknown } = (body && typeof body === "object" ? body : {}) as Record<string, unknown>;
    if (Object.keys(unknown).length)
      return send(res, 400, { error: `unknown field "${Object.keys(unknown)[0]}"; the body is {} or {"url": ...}` });
    if (only !== undefined && typeof only !== "string") return send(res, 400, { error: "url must be a string" });
    try {
      await d.syncApps(only);
    } catch (e) {
      const status = e instanceof HttpError ? e.status : 400;
      return send(res, status, { error: (e as Error).message });
    }
    return send(res, 200, { ok: true });
  }
  if (method === "GET" && path === "/v1/functions") {
    return send(res, 200, { data: [...d.engine.fns.values()] });
  }
  if (method === "GET" && path === "/v1/runs") {
    const fn = url.searchParams.get("function");
    const status = url.searchParams.get("status");
    const limit = Math.min(Number(url.searchParams.get("limit") ?? 100) || 100, 1000);
    const before = url.searchParams.get("cursor");
    const { rows } = await d.db.query(
      `SELECT ${RUN_COLS} FROM executor.runs
       WHERE ($1::text IS NULL OR function_id = $1) AND ($2::text IS NULL OR status = $2) AND ($3::text IS NULL OR id < $3)
       ORDER BY id DESC LIMIT $4`,
      [fn, status, before, limit],
    );
    return send(res, 200, { data: rows, cursor: rows.length === limit ? rows[rows.length - 1].id : null });
  }
  if (method === "GET" && (m = path.match(/^\/v1\/events\/([^/]+)\/runs$/))) {
    const { rows } = await d.db.query(`SELECT ${RUN_COLS} FROM executor.runs WHERE event_id = $1 ORDER BY id`, [decodeURIComponent(m[1])]);
    return send(res, 200, { data: rows });
  }
  if (method === "GET" && (m = path.match(/^\/v1\/runs\/([^/]+)$/))) {
    const id = decodeURIComponent(m[1]);
    await d.engine.flushAttempts();
    const { rows } = await d.db.query(`SELECT ${RUN_COLS} FROM executor.runs WHERE id = $1`, [id]);
    if (!rows[0]) return send(res, 404, { error: "run not found" });
    const steps = await d.db.query(
      "SELECT id, name, op, status, data, error, attempts, created_at, ended_at FROM executor.steps WHERE run_id = $1 ORDER BY coalesce(seq, 9e18), created_at",
      [id],
    );
    const attempts = await d.db.query(
      "SELECT step_id, step_name, attempt, started_at, duration_ms, outcome, error FROM executor.attempts WHERE run_id = $1 ORDER BY id",
      [id],
    );
    return send(res, 200, { data: { ...rows[0], steps: steps.rows, attempts: attempts.rows } });
  }
  if (method === "POST" && (m = path.match(/^\/v1\/runs\/([^/]+)\/cancel$/))) {
    const id = decodeURIComponent(m[1]);
    const ok = await d.engine.cancelRun(id, "cancelled through the API");
    return send(res, ok ? 200 : 409, ok ? { ok: true } : { ok: false, error: "run not found or already finished" });
  }
  send(res, 404, { error: `no route for ${method} ${path}` });
}

function apiAuthorized(d: HttpDeps, req: IncomingMessage): boolean {
  if (!d.signingKey) return true;
  return sameSecret(req.headers.authorization, `Bearer ${hashSigningKey(d.signingKey)}`);
}
