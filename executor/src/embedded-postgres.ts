import { randomBytes } from "node:crypto";
import { mkdirSync } from "node:fs";
import { Worker } from "node:worker_threads";
import { PGlite } from "@electric-sql/pglite";
import { pg_trgm } from "@electric-sql/pglite/contrib/pg_trgm";
import { PGLiteSocketServer } from "@electric-sql/pglite-socket";
import { requirePassword } from "./pg-password-gate.mjs";
import { patchPgliteSocketServer } from "./pglite-socket-fix.mjs";

export interface EmbeddedPostgres {
  /** A postgres:// URL, password included, any `pg` client (Prisma's adapter included) can connect to. */
  url: string;
  port: number;
  stop(): Promise<void>;
}

/**
 * Starts PGlite (Postgres compiled to WASM) with its data in `dataDir` (or in memory when
 * dataDir is undefined) and serves it over the Postgres wire protocol on 127.0.0.1.
 * Port 0 picks a free port. Every connection must give `password` (md5 handshake, see
 * pg-password-gate.mjs); without one a random password is generated for this start.
 */
export async function startEmbeddedPostgres(opts: {
  dataDir?: string;
  port?: number;
  /** The password clients must give (any user name). Default: random, per start. */
  password?: string;
  maxConnections?: number;
  /** Run PGlite on a worker thread (its WASM work then uses another core). Default false. */
  worker?: boolean;
}): Promise<EmbeddedPostgres> {
  const password = opts.password || randomBytes(24).toString("hex");
  if (opts.worker) return startInWorker({ ...opts, password });
  if (opts.dataDir) mkdirSync(opts.dataDir, { recursive: true });
  const db = await PGlite.create(opts.dataDir ?? "memory://", { extensions: { pg_trgm } }); // the jobs search index (migration job_search_trigram)
  const server = new PGLiteSocketServer({
    db,
    host: "127.0.0.1",
    port: opts.port ?? 0,
    maxConnections: opts.maxConnections ?? 100,
  });
  patchPgliteSocketServer(server); // see pglite-socket-fix.mjs: keeps a connection's Parse..Sync together
  requirePassword(server, password); // pglite-socket has no authentication of its own
  await server.start();
  const address = (server as unknown as { server?: { address(): { port: number } | string | null } }).server?.address();
  const port = typeof address === "object" && address ? address.port : (opts.port ?? 0);
  if (!port) throw new Error("embedded Postgres did not report its port");
  let stopped = false;
  return {
    url: pgUrl(password, port),
    port,
    async stop() {
      if (stopped) return;
      stopped = true;
      await server.stop();
      await db.close();
    },
  };
}

function pgUrl(password: string, port: number): string {
  return `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres?sslmode=disable`;
}

async function startInWorker(opts: {
  dataDir?: string;
  port?: number;
  maxConnections?: number;
  password: string;
}): Promise<EmbeddedPostgres> {
  const worker = new Worker(new URL("./pglite-worker.mjs", import.meta.url), {
    workerData: { dataDir: opts.dataDir, port: opts.port ?? 0, maxConnections: opts.maxConnections ?? 100, password: opts.password },
  });
  const port = await new Promise<number>((resolve, reject) => {
    worker.once("error", reject);
    worker.on("message", (m: { type: string; port?: number; message?: string }) => {
      if (m.type === "ready") resolve(m.port!);
      if (m.type === "error") reject(new Error(m.message));
    });
  });
  let stopped = false;
  return {
    url: pgUrl(opts.password, port),
    port,
    async stop() {
      if (stopped) return;
      stopped = true;
      await new Promise<void>((resolve) => {
        worker.on("message", (m: { type: string }) => m.type === "stopped" && resolve());
        worker.postMessage("stop");
      });
      await worker.terminate();
    },
  };
}
