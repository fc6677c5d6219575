import { mkdirSync } from "node:fs";
import { Worker } from "node:worker_threads";
import { PGlite } from "@electric-sql/pglite";
import { PGLiteSocketServer } from "@electric-sql/pglite-socket";
import { patchPgliteSocketServer } from "./pglite-socket-fix.mjs";

export interface EmbeddedPostgres {
  /** A postgres:// URL any `pg` client (Prisma's adapter included) can connect to. */
  url: string;
  port: number;
  stop(): Promise<void>;
}

/**
 * Starts PGlite (Postgres compiled to WASM) with its data in `dataDir` (or in memory when
 * dataDir is undefined) and serves it over the Postgres wire protocol on 127.0.0.1.
 * Port 0 picks a free port.
 */
export async function startEmbeddedPostgres(opts: {
  dataDir?: string;
  port?: number;
  maxConnections?: number;
  /** Run PGlite on a worker thread (its WASM work then uses another core). Default false. */
  worker?: boolean;
}): Promise<EmbeddedPostgres> {
  if (opts.worker) return startInWorker(opts);
  if (opts.dataDir) mkdirSync(opts.dataDir, { recursive: true });
  const db = await PGlite.create(opts.dataDir ?? "memory://");
  const server = new PGLiteSocketServer({
    db,
    host: "127.0.0.1",
    port: opts.port ?? 0,
    maxConnections: opts.maxConnections ?? 100,
  });
  patchPgliteSocketServer(server); // see pglite-socket-fix.mjs: keeps a connection's Parse..Sync together
  await server.start();
  const address = (server as unknown as { server?: { address(): { port: number } | string | null } }).server?.address();
  const port = typeof address === "object" && address ? address.port : (opts.port ?? 0);
  if (!port) throw new Error("embedded Postgres did not report its port");
  let stopped = false;
  return {
    url: `postgres://postgres:postgres@127.0.0.1:${port}/postgres?sslmode=disable`,
    port,
    async stop() {
      if (stopped) return;
      stopped = true;
      await server.stop();
      await db.close();
    },
  };
}

async function startInWorker(opts: { dataDir?: string; port?: number; maxConnections?: number }): Promise<EmbeddedPostgres> {
  const worker = new Worker(new URL("./pglite-worker.mjs", import.meta.url), {
    workerData: { dataDir: opts.dataDir, port: opts.port ?? 0, maxConnections: opts.maxConnections ?? 100 },
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
    url: `postgres://postgres:postgres@127.0.0.1:${port}/postgres?sslmode=disable`,
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
