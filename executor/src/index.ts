import type { AddressInfo } from "node:net";
import { createPool, migrate } from "./db";
import { Engine, HttpError } from "./engine";
import { createHttpServer } from "./http";

export { LIMITS } from "./config";
export { startEmbeddedPostgres } from "./embedded-postgres";

export interface ExecutorOptions {
  /** HTTP port; 0 picks a free one. Default 8288 (Inngest's dev-server port). */
  port?: number;
  host?: string;
  /** postgres:// URL. Tables live in the `executor` schema. */
  databaseUrl: string;
  /**
   * Serve URLs to sync at start (PUT, as Inngest's dev server does). Retried in the background until they answer.
   * These (and URLs later passed to `syncApp()`) are the only URLs `POST /v1/apps/sync` will call.
   */
  sdkUrls?: string[];
  /**
   * When set (cloud mode, INNGEST_DEV=0): requests to the SDK are signed and its responses and register calls
   * verified, and every API route requires `Authorization: Bearer <hashed signing key>`. Needs `eventKey`.
   * Without it the executor is a dev server: its API is open, as `inngest dev`'s is; keep it on loopback.
   */
  signingKey?: string;
  /** When set, POST /e/:key must use this key. Required with `signingKey`. */
  eventKey?: string;
  log?: (line: string) => void;
  // Tuning (optional; defaults are right for production)
  /** Lease length for a queue item; a crashed worker's items are retaken after it. Default 30 s. */
  leaseMs?: number;
  /**
   * Longest idle poll interval. Default 1 s. Work this process enqueues (events it ingests, steps it
   * plans, retries and sleeps it schedules) wakes it at once or at the time it is due; the poll only
   * picks up work enqueued by another executor process on the same database, and expired leases.
   * After work the poll starts at 50 ms and doubles up to this.
   */
  pollMs?: number;
  /**
   * Concurrent SDK calls (executing steps) per executor process. Default 256. Long-running steps hold
   * a slot for their whole duration, so keep this well above the sum of the functions' concurrency limits.
   */
  maxInflight?: number;
  /** Retry backoff: base * 2^attempt with ±20% jitter, capped. Defaults 1 s and 1 h. */
  retryBaseMs?: number;
  retryMaxMs?: number;
  /** How long stop() waits for in-flight calls before releasing their leases. Default 30 s. */
  drainMs?: number;
  /** pg pool size. Default 10. */
  poolSize?: number;
  /**
   * PostgreSQL `synchronous_commit = off` for the executor's own bookkeeping (step results, leases,
   * run states); event ingestion always commits synchronously. Saves one WAL flush per step (3.5 ms on
   * this project's VMs). A *database* crash may then lose the last few hundred ms of bookkeeping: steps
   * re-run (at-least-once, as on Inngest); no accepted event is lost. Default false.
   */
  asyncCommit?: boolean;
  /**
   * Days to keep finished runs (their steps, attempts and outputs) for the runs API; older ones are
   * deleted every minute, in batches. 0 keeps them forever. Default 30, like a long Inngest history.
   */
  runRetentionDays?: number;
}

export interface Executor {
  url: string;
  port: number;
  syncApp(sdkUrl: string): Promise<void>;
  stop(): Promise<void>;
  /** Test hook: simulate a crash (no draining, leases left to expire). */
  abort(): Promise<void>;
  /** Diagnostics: queue leases taken by this process, and its reads of executor.crons of its own (beside the leases'). */
  stats(): { leases: number; leaseMs: number; items: number; cronChecks: number };
  /** Deletes finished runs older than the retention now (it also runs every minute); returns how many. */
  pruneHistory(): Promise<number>;
}

function normalizeUrl(u: string): string {
  return new URL(u).href;
}

export async function startExecutor(opts: ExecutorOptions): Promise<Executor> {
  const log = opts.log ?? ((line: string) => console.log(line));
  if (opts.signingKey && !opts.eventKey)
    throw new Error("executor: a signing key needs an event key too (eventKey / --event-key / INNGEST_EVENT_KEY)");
  const db = createPool(opts.databaseUrl, { max: opts.poolSize ?? 10, asyncCommit: opts.asyncCommit ?? false, log });
  await migrate(db);
  const engine = new Engine({
    db,
    signingKey: opts.signingKey,
    log,
    leaseMs: opts.leaseMs ?? 30_000,
    pollMs: opts.pollMs ?? 1000,
    maxInflight: opts.maxInflight ?? 256,
    retryBaseMs: opts.retryBaseMs ?? 1000,
    retryMaxMs: opts.retryMaxMs ?? 3_600_000,
    drainMs: opts.drainMs ?? 30_000,
    runRetentionMs: (opts.runRetentionDays ?? 30) * 24 * 3600_000,
  });
  let stopped = false;

  // The only URLs the executor ever PUTs to: what the operator configured, never a URL from a request.
  const appUrls = new Set((opts.sdkUrls ?? []).map(normalizeUrl));

  async function syncApp(sdkUrl: string): Promise<void> {
    appUrls.add(normalizeUrl(sdkUrl));
    await putSync(sdkUrl);
  }

  async function syncApps(only?: string): Promise<void> {
    if (only !== undefined) {
      let wanted: string;
      try {
        wanted = normalizeUrl(only);
      } catch {
        throw new HttpError(400, `url "${only}" is not a URL`);
      }
      if (!appUrls.has(wanted)) {
        throw new HttpError(
          403,
          `url "${only}" is not one of the app URLs this executor was started with; sync it from the operator's side (--sdk-url / syncApp())`,
        );
      }
      return putSync(wanted);
    }
    if (!appUrls.size) throw new HttpError(400, "no app URLs are configured (start the executor with --sdk-url)");
    for (const u of appUrls) await putSync(u);
  }

  const putSync = (sdkUrl: string) => engine.driver.sync(sdkUrl);

  const server = createHttpServer({ engine, db, signingKey: opts.signingKey, eventKey: opts.eventKey, syncApps });
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 8288, opts.host ?? "127.0.0.1", () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const host = opts.host && opts.host !== "0.0.0.0" && opts.host !== "::" ? opts.host : "127.0.0.1";
  const url = `http://${host.includes(":") ? `[${host}]` : host}:${port}`;
  await engine.start();
  log(`executor: listening on ${url}`);
  if (!opts.signingKey) log("executor: no signing key, dev mode: the API is unauthenticated (as `inngest dev`); keep it on loopback");

  for (const u of opts.sdkUrls ?? []) {
    void (async () => {
      for (let i = 0; !stopped; i++) {
        try {
          await putSync(u);
          return;
        } catch (e) {
          if (i % 10 === 0) log(`executor: sync of ${u} not done yet: ${(e as Error).message}`);
          await new Promise((r) => setTimeout(r, Math.min(5000, 250 * 2 ** Math.min(i, 5))));
        }
      }
    })();
  }

  const closeServer = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections?.();
    });

  return {
    url,
    port,
    syncApp,
    stats: () => engine.stats,
    pruneHistory: () => engine.pruneHistory(),
    async stop() {
      if (stopped) return;
      stopped = true;
      await engine.stop();
      await closeServer();
      await db.end().catch((e: Error) => log(`executor: closing the database pool failed: ${e.message}`));
    },
    async abort() {
      if (stopped) return;
      stopped = true;
      engine.abort();
      await closeServer();
      await db.end().catch((e: Error) => log(`executor: closing the database pool failed: ${e.message}`));
    },
  };
}
