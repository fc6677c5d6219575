/**
 * The embedded executor beside the job queues a team might pick instead, on the same PostgreSQL
 * (and Redis for BullMQ), in one run: N one-step no-op jobs, concurrency 32, enqueued in bulk while
 * the workers run. CPU per job counts this Node process (queue client, workers, and for Batchpoint the
 * executor plus the SDK's serve()) and the database server's processes (PostgreSQL backends, Redis),
 * read from /proc. Rounds alternate the order, so a noisy neighbour weighs on every system alike.
 * Writes the table to BENCHMARKS.md under "## Executor beside peers".
 *
 *   npm run bench -- peers                    # BENCH_PEER_JOBS=5000 BENCH_PEER_ROUNDS=2
 *   BENCH_PEER_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres BENCH_PEER_REDIS=127.0.0.1:6379
 */
import { readdirSync, readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { cpus, loadavg } from "node:os";
import { Queue, Worker } from "bullmq";
import { Logger, makeWorkerUtils, run as runGraphile } from "graphile-worker";
import { Inngest } from "inngest";
import { Redis } from "ioredis";
import { serve } from "inngest/node";
import pg from "pg";
import { PgBoss } from "pg-boss";
import { startExecutor } from "../../executor/src/index";
import { writeBenchmarkSection } from "./write-section";

const JOBS = Number(process.env.BENCH_PEER_JOBS ?? 5000);
const ROUNDS = Number(process.env.BENCH_PEER_ROUNDS ?? 2);
const CONCURRENCY = 32;
const SERVER_URL = process.env.BENCH_PEER_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const [REDIS_HOST, REDIS_PORT] = (process.env.BENCH_PEER_REDIS ?? "127.0.0.1:6379").split(":");
const TICK_MS = 1000 / 100; // USER_HZ

/** CPU seconds of every process whose command name matches, from /proc/<pid>/stat. */
function processCpuMs(names: string[]): number {
  let ticks = 0;
  for (const pid of readdirSync("/proc")) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      const comm = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
      if (!names.some((n) => comm.startsWith(n))) continue;
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      ticks += Number(fields[11]) + Number(fields[12]); // utime, stime
    } catch {
      /* the process ended while we looked */
    }
  }
  return ticks * TICK_MS;
}

function selfCpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

interface Figure {
  system: string;
  jobsPerSec: number;
  cpuMsPerJob: number;
  nodeMsPerJob: number;
  serverMsPerJob: number;
}

/** Runs `body` (which resolves when all JOBS are done) and measures wall time and CPU of Node + the servers named. */
async function measure(system: string, servers: string[], body: () => Promise<void>): Promise<Figure> {
  const node0 = selfCpuMs();
  const srv0 = processCpuMs(servers);
  const t0 = performance.now();
  await body();
  const wall = performance.now() - t0;
  const node = selfCpuMs() - node0;
  const srv = processCpuMs(servers) - srv0;
  return {
    system,
    jobsPerSec: JOBS / (wall / 1000),
    cpuMsPerJob: (node + srv) / JOBS,
    nodeMsPerJob: node / JOBS,
    serverMsPerJob: srv / JOBS,
  };
}

function counter() {
  let n = 0;
  let resolve!: () => void;
  const done = new Promise<void>((r) => (resolve = r));
  return { hit: () => ++n === JOBS && resolve(), done };
}

async function scratchDatabase() {
  const name = `batchpoint_bench_peers_${process.pid}`;
  const admin = new pg.Client({ connectionString: SERVER_URL });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  const url = new URL(SERVER_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: SERVER_URL });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await c.end();
    },
  };
}

const systems: Record<string, (url: string) => Promise<Figure>> = {
  async batchpoint(url) {
    const ex = await startExecutor({ port: 0, databaseUrl: url, log: () => {} });
    const c = counter();
    const client = new Inngest({ id: "bench-peers", baseUrl: ex.url, isDev: true, checkpointing: false });
    const fn = client.createFunction(
      { id: "noop", triggers: [{ event: "bench/noop" }], concurrency: [{ limit: CONCURRENCY }] },
      async ({ step }) => {
        await step.run("only", () => 1);
        c.hit();
      },
    );
    const handler = serve({ client, functions: [fn] });
    const server: Server = createServer((req, res) => void handler(req, res));
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`, { method: "PUT" });
    if (!res.ok) throw new Error(`sync failed: ${res.status}`);
    try {
      return await measure("Batchpoint executor + serve() (one step)", ["postgres"], async () => {
        for (let i = 0; i < JOBS; i += 1000) {
          await client.send(Array.from({ length: Math.min(1000, JOBS - i) }, (_, k) => ({ name: "bench/noop", data: { i: i + k } })));
        }
        await c.done;
      });
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
      await ex.stop();
    }
  },

  async "graphile-worker"(url) {
    const c = counter();
    const utils = await makeWorkerUtils({ connectionString: url, logger: new Logger(() => () => {}) });
    await utils.migrate();
    const runner = await runGraphile({
      connectionString: url,
      concurrency: CONCURRENCY,
      maxPoolSize: CONCURRENCY + 2,
      noHandleSignals: true,
      pollInterval: 1000,
      logger: new Logger(() => () => {}),
      taskList: { noop: async () => void c.hit() },
    });
    try {
      return await measure("graphile-worker 0.17.3", ["postgres"], async () => {
        for (let i = 0; i < JOBS; i += 1000)
          await utils.addJobs(Array.from({ length: Math.min(1000, JOBS - i) }, (_, k) => ({ identifier: "noop", payload: { i: i + k } })));
        await c.done;
      });
    } finally {
      await runner.stop();
      await utils.release();
    }
  },

  async "pg-boss"(url) {
    const c = counter();
    const boss = new PgBoss({ connectionString: url });
    boss.on("error", () => {});
    await boss.start();
    await boss.createQueue("noop");
    await boss.work("noop", { batchSize: 1, localConcurrency: CONCURRENCY, pollingIntervalSeconds: 0.5 }, async () => void c.hit());
    try {
      return await measure("pg-boss 12.38.0 (batchSize 1)", ["postgres"], async () => {
        for (let i = 0; i < JOBS; i += 1000)
          await boss.insert(
            "noop",
            Array.from({ length: Math.min(1000, JOBS - i) }, (_, k) => ({ data: { i: i + k } })),
          );
        await c.done;
      });
    } finally {
      await boss.stop({ graceful: false, timeout: 5000 });
    }
  },

  async bullmq() {
    const c = counter();
    const connection = new Redis({ host: REDIS_HOST, port: Number(REDIS_PORT), maxRetriesPerRequest: null });
    const name = `bench-noop-${process.pid}`;
    const queue = new Queue(name, { connection });
    const worker = new Worker(name, async () => void c.hit(), {
      connection,
      concurrency: CONCURRENCY,
      removeOnComplete: { count: 0 },
      removeOnFail: { count: 0 },
    });
    await worker.waitUntilReady();
    try {
      return await measure("BullMQ 6.7.0 (Redis)", ["redis-server"], async () => {
        for (let i = 0; i < JOBS; i += 1000)
          await queue.addBulk(Array.from({ length: Math.min(1000, JOBS - i) }, (_, k) => ({ name: "noop", data: { i: i + k } })));
        await c.done;
      });
    } finally {
      await worker.close();
      await queue.obliterate({ force: true });
      await queue.close();
      connection.disconnect();
    }
  },
};

const order = Object.keys(systems);
const results: Record<string, Figure[]> = {};
const loads: string[] = [];
for (let round = 0; round < ROUNDS; round++) {
  const names = round % 2 === 0 ? order : [...order].reverse();
  for (const name of names) {
    const db = await scratchDatabase();
    try {
      const load = loadavg()[0].toFixed(1);
      const f = await systems[name](db.url);
      loads.push(load);
      (results[name] ??= []).push(f);
      console.log(
        `round ${round + 1} ${f.system}: ${f.jobsPerSec.toFixed(0)} jobs/s, ${f.cpuMsPerJob.toFixed(2)} ms CPU/job (node ${f.nodeMsPerJob.toFixed(2)}, server ${f.serverMsPerJob.toFixed(2)}), load ${load}`,
      );
    } finally {
      await db.drop();
    }
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const graphile = median(results["graphile-worker"].map((f) => f.cpuMsPerJob));
const rows = order.map((name) => {
  const fs = results[name];
  const cpu = median(fs.map((f) => f.cpuMsPerJob));
  return `| ${fs[0].system} | ${fs.map((f) => f.jobsPerSec.toFixed(0)).join(" / ")} | ${fs.map((f) => f.cpuMsPerJob.toFixed(2)).join(" / ")} | ${(cpu / graphile).toFixed(1)}× |`;
});
const command = "npm run bench -- peers";
writeBenchmarkSection(
  "Executor beside peers",
  `Measured ${new Date().toISOString().slice(0, 10)} with \`${command}\` (BENCH_PEER_JOBS=${JOBS}, ${ROUNDS} rounds in alternating order) on ${cpus().length} cores, Node ${process.version}:
${JOBS} one-step no-op jobs per system, concurrency ${CONCURRENCY}, enqueued in bulk while the workers run, each system on a fresh database of the same
PostgreSQL server (BullMQ on the local Redis). CPU per job = this Node process (client, workers, and for Batchpoint the embedded
executor and the SDK's serve()) + the server processes (PostgreSQL backends, or Redis), from /proc. Load average at each start: ${loads.join(", ")}.

| system | jobs/s (each round) | CPU ms per job (each round) | CPU vs graphile-worker (median) |
| --- | --- | --- | --- |
${rows.join("\n")}

The target (issue 13) is Batchpoint's executor at most 2× graphile-worker's CPU per one-step run.`,
);
console.log("wrote BENCHMARKS.md: Executor beside peers");
process.exit(0);
