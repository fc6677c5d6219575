import { createServer, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/** One call the balancer passed to a backend: which function, and for a lane, which lane of which job. */
export interface BalancedCall {
  backend: string;
  fnId: string;
  jobId?: string;
  lane?: number;
  done: boolean;
}

/**
 * A round-robin HTTP load balancer in front of app replicas, as a deployment puts one in front of
 * several. Calls of a scoring lane take turns per lane (its consecutive steps alternate replicas, the
 * worst case for anything kept in one process); other calls take turns overall. A backend that refuses the connection is skipped
 * (nginx's proxy_next_upstream error), and a request a backend dies in the middle of is answered 502,
 * never retried (the executor retries the step). It remembers every call it passed on.
 */
export async function startBalancer(): Promise<{
  origin: string;
  /** The backends' origins, in turn; add a replica once it listens. */
  backends: string[];
  calls: BalancedCall[];
  close(): Promise<void>;
}> {
  const backends: string[] = [];
  const calls: BalancedCall[] = [];
  const turns = new Map<string, number>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks);
      const url = new URL(req.url ?? "/", "http://balancer");
      let data: { jobId?: string; lane?: number } = {};
      try {
        data = (JSON.parse(body.toString() || "{}") as { event?: { data?: typeof data } }).event?.data ?? {};
      } catch {
        // not JSON (a sync PUT): nothing to note
      }
      const key = data.jobId !== undefined && data.lane !== undefined ? `${data.jobId}:${data.lane}` : "";
      const start = turns.get(key) ?? 0;
      turns.set(key, start + 1);
      const attempt = (tried: number) => {
        if (tried === backends.length) {
          res.writeHead(502).end("no backend answered");
          return;
        }
        const backend = backends[(start + tried) % backends.length];
        const target = new URL(url.pathname + url.search, backend);
        let connected = false;
        const call: BalancedCall = { backend, fnId: url.searchParams.get("fnId") ?? "", jobId: data.jobId, lane: data.lane, done: false };
        // A connection per call (no keep-alive), so each call's connect is seen.
        const up = request(target, { method: req.method, headers: req.headers, agent: false }, (upRes) => {
          res.writeHead(upRes.statusCode ?? 502, upRes.headers);
          upRes.pipe(res);
          upRes.on("end", () => (call.done = true));
          upRes.on("error", () => res.destroy());
        });
        up.on("socket", (s) =>
          s.on("connect", () => {
            connected = true;
            calls.push(call);
          }),
        );
        up.on("error", () => {
          call.done = true;
          if (!connected) attempt(tried + 1);
          else if (!res.headersSent) res.writeHead(502).end("the backend went away");
          else res.destroy();
        });
        up.end(body);
      };
      attempt(0);
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    backends,
    calls,
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
