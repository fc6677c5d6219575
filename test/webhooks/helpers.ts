import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { TEST_WAIT_MS } from "../support/wait";

type RouteHandler<P> = (request: Request, route: { params: Promise<P> }) => Promise<Response>;
export type Route = { pattern: RegExp; params: (m: RegExpExecArray) => any; methods: Partial<Record<string, RouteHandler<any>>> };

/**
 * Serves route modules (by path pattern and method) over real HTTP: the Node request's raw bytes
 * become a web Request, as Next does, so signatures are checked on exactly what went over the wire.
 */
export async function serveRoutes(routes: Route[]) {
  const server: Server = createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", `http://${req.headers.host}`);
    for (const r of routes) {
      const m = r.pattern.exec(url.pathname);
      const handler = m && r.methods[req.method ?? "GET"];
      if (!m) continue;
      if (!handler) return void res.writeHead(405).end();
      const body = await readAll(req);
      const headers = new Headers();
      for (const [k, v] of Object.entries(req.headers)) if (typeof v === "string") headers.set(k, v);
      const request = new Request(url, {
        method: req.method,
        headers,
        body: req.method === "GET" || req.method === "HEAD" || req.method === "DELETE" ? undefined : new Uint8Array(body),
      });
      const response = await handler(request, { params: Promise.resolve(r.params(m)) });
      res.writeHead(response.status, Object.fromEntries(response.headers));
      return void res.end(Buffer.from(await response.arrayBuffer()));
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { origin, close: () => new Promise<void>((r) => server.close(() => r())) };
}

export async function readAll(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

/** A local receiver for outbound webhooks: answers with `statuses` in turn (then 200) and keeps what it got. */
export async function startReceiver(statuses: number[]) {
  const received: { headers: IncomingMessage["headers"]; body: Buffer; at: number }[] = [];
  const server: Server = createServer(async (req, res) => {
    const body = await readAll(req);
    received.push({ headers: req.headers, body, at: Date.now() });
    const status = statuses[received.length - 1] ?? 200;
    res.writeHead(status, { "content-type": "text/plain" }).end(status >= 400 ? `receiver says no (${status})` : "ok");
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/batchpoint`;
  return { url, received, close: () => new Promise<void>((r) => server.close(() => r())) };
}

export async function until<T>(fn: () => Promise<T | null | undefined | false>, timeoutMs = TEST_WAIT_MS, what = "condition"): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 150));
  }
}
