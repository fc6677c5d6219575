// Runs PGlite and its wire-protocol socket server on a worker thread, so the database's WASM
// work uses another core than the executor (and the app) on the main thread.
import { mkdirSync } from "node:fs";
import { parentPort, workerData } from "node:worker_threads";
import { PGlite } from "@electric-sql/pglite";
import { pg_trgm } from "@electric-sql/pglite/contrib/pg_trgm";
import { PGLiteSocketServer } from "@electric-sql/pglite-socket";
import { requirePassword } from "./pg-password-gate.mjs";
import { patchPgliteSocketServer } from "./pglite-socket-fix.mjs";

const { dataDir, port, maxConnections, password } = workerData;
try {
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const db = await PGlite.create(dataDir ?? "memory://", { extensions: { pg_trgm } }); // the jobs search index (migration job_search_trigram)
  const server = new PGLiteSocketServer({ db, host: "127.0.0.1", port: port ?? 0, maxConnections: maxConnections ?? 100 });
  patchPgliteSocketServer(server);
  requirePassword(server, password);
  await server.start();
  const address = server.server?.address();
  parentPort.postMessage({ type: "ready", port: typeof address === "object" && address ? address.port : port });
  parentPort.on("message", async (m) => {
    if (m === "stop") {
      await server.stop();
      await db.close();
      parentPort.postMessage({ type: "stopped" });
    }
  });
} catch (e) {
  parentPort.postMessage({ type: "error", message: String(e?.stack ?? e) });
}
