// The embedded executor as a process of its own, as `npm run executor` starts it (executor/src/cli.ts:
// its own PGlite in --data-dir, served over a socket), with the test slots' retry backoff (200 ms base,
// 2 s cap) instead of production's (1 s base, 1 h cap). A fault test kills a part and restarts it; the
// steps that failed meanwhile are retried with backoff, and at production's doubling a 20 s outage puts
// the next attempt up to 40 s after the part is back: the test waited on the backoff, not on recovery.
// The CLI itself, and its SIGKILL and restart, stay covered by executor/test/durability.test.ts.
// Usage: node --import tsx test/support/executor-process.ts PORT LEASE_MS DATA_DIR. Prints "listening on <url>".
import { startEmbeddedPostgres } from "../../executor/src/embedded-postgres";
import { startExecutor } from "../../executor/src/index";

const [port, leaseMs, dataDir] = process.argv.slice(2);
if (!port || !leaseMs || !dataDir) {
  console.error("usage: executor-process.ts PORT LEASE_MS DATA_DIR");
  process.exit(2);
}
const pglite = await startEmbeddedPostgres({ dataDir, port: 0 });
await startExecutor({
  port: Number(port),
  host: "127.0.0.1",
  databaseUrl: pglite.url,
  leaseMs: Number(leaseMs),
  retryBaseMs: 200,
  retryMaxMs: 2000,
});
// startExecutor logs "executor: listening on <url>" once it accepts requests.
