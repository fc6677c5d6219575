/**
 * Idle cost of the executor and its database: CPU (user + system, every thread of this process,
 * PGlite included) per second of wall time while no work exists, after a warm-up run.
 *
 *   npx tsx executor/bench/idle.ts [--seconds 20] [--poll-ms 1000] [--database-url postgres://...] [--worker]
 *
 * Embedded PGlite on the main thread by default (what `npm run dev` runs); --worker puts it on a
 * worker thread; --database-url measures against PostgreSQL (whose own backends are not counted).
 * Prints one line: "idle CPU: X ms/s (poll Y ms, Z s, load L)".
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { loadavg } from "node:os";
import { parseArgs } from "node:util";
import { Inngest } from "inngest";
import { serve } from "inngest/node";
import { startEmbeddedPostgres } from "../src/embedded-postgres";
import { startExecutor } from "../src/index";

const { values } = parseArgs({
  options: {
    seconds: { type: "string", default: "20" },
    "poll-ms": { type: "string" },
    "database-url": { type: "string" },
    worker: { type: "boolean", default: false },
  },
});

const seconds = Number(values.seconds);
const pg = values["database-url"] ? undefined : await startEmbeddedPostgres({ worker: values.worker });
const databaseUrl = values["database-url"] ?? pg!.url;
const executor = await startExecutor({
  port: 0,
  databaseUrl,
  log: () => {},
  ...(values["poll-ms"] ? { pollMs: Number(values["poll-ms"]) } : {}),
});

// A synced app with one function, run once, so the idle figure is of a warm stack that has done work.
const client = new Inngest({ id: "idle-bench", baseUrl: executor.url, isDev: true, checkpointing: false });
const fn = client.createFunction({ id: "once", triggers: [{ event: "idle/once" }] }, async ({ step }) => step.run("s", () => "ok"));
const server = createServer(serve({ client, functions: [fn] }));
await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
await executor.syncApp(`http://127.0.0.1:${(server.address() as AddressInfo).port}/api/inngest`);
await client.send({ name: "idle/once", data: {}, id: "idle-once" });
for (;;) {
  const res = await fetch(`${executor.url}/v1/events/idle-once/runs`);
  const runs = ((await res.json()) as { data: { status: string }[] }).data;
  if (runs[0]?.status === "Completed") break;
  await new Promise((r) => setTimeout(r, 100));
}
await new Promise((r) => setTimeout(r, 3000)); // let the post-run backoff settle

const load = loadavg()[0];
const c0 = process.cpuUsage();
const t0 = performance.now();
await new Promise((r) => setTimeout(r, seconds * 1000));
const c1 = process.cpuUsage(c0);
const wall = (performance.now() - t0) / 1000;
const msPerSec = (c1.user + c1.system) / 1000 / wall;
const poll = values["poll-ms"] ?? "default";
console.log(
  `idle CPU: ${msPerSec.toFixed(1)} ms/s (executor + ${values["database-url"] ? "pg client" : `PGlite${values.worker ? " worker" : ""}`}, poll ${poll}, ${wall.toFixed(0)} s, load ${load.toFixed(1)})`,
);

server.close();
server.closeAllConnections();
await executor.stop();
await pg?.stop();
process.exit(0);
