/**
 * Batch job benchmark: `npm run bench:jobs` (also part of `npm run bench`). Everything runs for real
 * in this process and its children: PGlite, Azurite, the embedded executor, the app's Inngest
 * functions behind the SDK's serve(), and Python scoring workers. Each figure is measured in one run
 * next to its baseline. Writes BENCHMARKS.md, section "Batch jobs".
 *
 *   BENCH_FILES=10000 BENCH_COST_MS=10 BENCH_PLAN_FILES=100000 npm run bench:jobs
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { cpus, loadavg, tmpdir } from "node:os";
import path from "node:path";
import { startEmbeddedPostgres } from "../../executor/src/embedded-postgres";
import { startExecutor } from "../../executor/src/index";
import { applyMigrations } from "../../prisma/migrate";
import { startAzurite } from "../embedded/azurite";
import { writeBenchmarkSection } from "./write-section";

const FILES = Number(process.env.BENCH_FILES || 10_000);
const COST_MS = Number(process.env.BENCH_COST_MS || 10);
const PLAN_FILES = Number(process.env.BENCH_PLAN_FILES || 100_000);
const FINALIZE_PARTS = Number(process.env.BENCH_FINALIZE_PARTS || 10_000);
const PYTHON = process.env.BENCH_PYTHON || "/usr/bin/python3";
const ONLY_PLAN = process.env.BENCH_ONLY === "plan"; // just the planning figure, in its own section
const FS_COMPARE = process.env.BENCH_FS === "1"; // the efficiency job over Azurite and over a filesystem datastore, one sitting
const ONLY_EFFICIENCY = process.env.BENCH_ONLY === "efficiency" || FS_COMPARE; // just the efficiency figures (for profiling)
// Issue 13's efficiency targets, lanes on and off in one sitting, over a filesystem datastore (the embedded default)
const TARGETS = process.env.BENCH_ONLY === "targets";
// For profiling one of them: BENCH_TARGET_CASES=2 (0: mini_batch_size 10, 1: 50, 2: ten times slower files), BENCH_TARGET_LANES=on|off
const TARGET_CASES = process.env.BENCH_TARGET_CASES?.split(",").map(Number);
const TARGET_LANES = process.env.BENCH_TARGET_LANES;
if (TARGET_CASES?.some((c) => ![0, 1, 2].includes(c)))
  throw new Error(`BENCH_TARGET_CASES must list cases 0, 1 or 2 (comma-separated), not '${process.env.BENCH_TARGET_CASES}'.`);
if (TARGET_LANES !== undefined && !["on", "off"].includes(TARGET_LANES))
  throw new Error(`BENCH_TARGET_LANES must be on or off, not '${TARGET_LANES}'.`);
// Issue 13's invoke → first run() with a warm worker, alone: BENCH_FIRST_RUNS warm jobs per lanes setting, with a trace of one
const FIRST_RUN = process.env.BENCH_ONLY === "first-run";
const FIRST_RUNS = Number(process.env.BENCH_FIRST_RUNS || 9);
const MINI_BATCH = Number(process.env.BENCH_MINI_BATCH || 10);
const PARALLELISM = 2;

// Every SQL statement of this process (app, Prisma, executor) goes through pg.Client#query: count them.
const pgModule = (await import("pg")).default;
let sqlStatements = 0;
const clientQuery = pgModule.Client.prototype.query;
pgModule.Client.prototype.query = function (this: unknown, ...args: unknown[]) {
  sqlStatements++;
  if (hops) {
    const q = args[0] as string | { text?: string };
    hop(`sql ${(typeof q === "string" ? q : (q?.text ?? "")).replace(/\s+/g, " ").slice(0, 90)}`);
  }
  return (clientQuery as (...a: unknown[]) => unknown).apply(this, args);
} as typeof clientQuery;
let sdkCalls = 0; // executor -> serve() requests
/** The hops of one traced job (BENCH_ONLY=first-run): epoch ms and what happened. */
let hops: [number, string][] | null = null;
const hop = (what: string) => hops?.push([performance.timeOrigin + performance.now(), what]);
let benchPolls = 0; // this bench's own job polls, taken off the statement count

const dir = mkdtempSync(path.join(tmpdir(), "bench-jobs-"));
const loadBefore = loadavg()[0];
const pg = await startEmbeddedPostgres({ worker: true });
const azurite = await startAzurite({ dataDir: path.join(dir, "azurite") });
await applyMigrations(pg.url);
const executor = await startExecutor({ port: 0, databaseUrl: pg.url, log: () => {} });
Object.assign(process.env, {
  DATABASE_URL: pg.url,
  AZURE_STORAGE_CONNECTION_STRING: azurite.connectionString,
  BATCHPOINT_SECRET_KEY: "2".repeat(64),
  NEXTAUTH_SECRET: "bench-secret-bench-secret-bench-secret",
  INNGEST_BASE_URL: executor.url,
  INNGEST_DEV: "1",
  BATCHPOINT_SCORING_CACHE_DIR: path.join(dir, "cache"),
  BATCHPOINT_WORK_DIR: path.join(dir, "work"),
  BATCHPOINT_DATASTORES_DIR: path.join(dir, "datastores"),
});

const { serve } = await import("inngest/node");
const { inngest } = await import("../../lib/events/client");
const { functions } = await import("../../inngest/functions");
const { db } = await import("../../lib/db");
const { sql } = await import("../../lib/db/sql");
const { signUp } = await import("../../lib/users/sign-up");
const { createEndpoint } = await import("../../lib/endpoints/create-endpoint");
const { createDeployment } = await import("../../lib/deployments/create-deployment");
const { createDatastore, getDefaultStorageTarget, getStorageTargetOrThrow } = await import("../../lib/datastores/datastores");
const { uploadBlob, stageBlock, readBlobText } = await import("../../lib/storage");
const { startJob } = await import("../../lib/jobs/job-commands");
const { invokeJob } = await import("../../lib/jobs/invoke-job");
const { planJob } = await import("../../lib/jobs/plan-job");
const { finalizeJob, outputPrefix } = await import("../../lib/jobs/finalize-job");
const { ScoringPools } = await import("../../lib/scoring");

// The SDK sends events with fetch: trace them.
const benchFetch = globalThis.fetch;
globalThis.fetch = (async (input: Parameters<typeof fetch>[0], init?: RequestInit) => {
  if (!hops) return benchFetch(input, init);
  const what = `fetch ${init?.method ?? "GET"} ${String(input instanceof Request ? input.url : input).replace(/^https?:\/\/[^/]+/, "")}`;
  hop(what);
  const res = await benchFetch(input, init);
  hop(`${what} answered ${res.status}`);
  return res;
}) as typeof fetch;

const handler = serve({ client: inngest, functions });
const server = createServer((req, res) => {
  sdkCalls++;
  if (hops) {
    const u = new URL(req.url ?? "/", "http://x");
    const what = `${u.searchParams.get("fnId")?.replace(/^batchpoint-/, "")} step ${u.searchParams.get("stepId")}`;
    hop(`SDK call ${what}`);
    res.on("finish", () => hop(`SDK answer ${res.statusCode} ${what}`));
  }
  void handler(req, res);
});
await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
await executor.syncApp(`http://127.0.0.1:${(server.address() as AddressInfo).port}/api/inngest`);

const { user, workspace } = await signUp({ name: "Bench", email: `bench-${Date.now()}@bench.test`, password: "bench password" });
const ws = workspace!;
const actor = { userId: user.id };
const target = await getDefaultStorageTarget(ws.id);

const cpuScorer = (ms: number) => `
import os, time
def init(): pass
def run(batch):
    out = []
    for p in batch:
        end = time.process_time() + ${ms / 1000}
        while time.process_time() < end:
            pass
        out.append(os.path.basename(p))
    return out
`;
async function deploy(endpoint: string, code: string, settings: Record<string, unknown> = {}) {
  await createEndpoint({ workspaceId: ws.id, actor, input: { name: endpoint } });
  return createDeployment({
    workspaceId: ws.id,
    actor,
    endpointName: endpoint,
    input: {
      name: "main",
      code: { files: { "score.py": code } },
      scoringScript: "score.py",
      interpreter: PYTHON,
      settings: { miniBatchSize: MINI_BATCH, instanceCount: PARALLELISM, ...settings },
    },
  });
}
async function uploadMany(prefix: string, n: number, to: import("../../lib/storage").StorageTarget = target) {
  let next = 0;
  await Promise.all(
    Array.from({ length: 32 }, async () => {
      while (next < n) {
        const i = next++;
        await uploadBlob(to, `${prefix}${String(i).padStart(7, "0")}.txt`, "x");
      }
    }),
  );
}
/** CPU seconds (user + system) used so far by this process (app, executor, PGlite thread) and by Azurite. */
function cpuSeconds() {
  const self = process.cpuUsage();
  const stat = readFileSync(`/proc/${azurite.process.pid}/stat`, "utf8").split(") ")[1].split(" ");
  const ticks = 100; // USER_HZ on Linux
  return { app: (self.user + self.system) / 1e6, azurite: (Number(stat[11]) + Number(stat[12])) / ticks };
}
async function runJob(endpoint: string, prefix: string, extra: Record<string, unknown> = {}, datastore = "workspaceblobstore") {
  const t0 = performance.now();
  const wallT0 = Date.now();
  const { job } = await startJob({
    workspaceId: ws.id,
    actor,
    endpointName: endpoint,
    input: { input: { type: "uri_folder", path: `datastores/${datastore}/paths/${prefix}` }, ...extra },
  });
  hop("startJob returned (invoke answered)");
  let said = t0;
  const progress: { first?: { t: number; done: number } } = {};
  for (;;) {
    benchPolls++;
    // Raw pg, as the scoring hot path polls. This poll's CPU is counted in the job's orchestration figure
    // (one PGlite statement is ~1-2 ms of CPU across both threads here), so it polls about once a second
    // while the job is far from done and every 25-50 ms near its end, where the wall time is decided.
    const {
      rows: [j],
    } = await sql().query<{
      id: string;
      name: string;
      status: string;
      miniBatchesCompleted: number;
      miniBatchesTotal: number;
      filesFailed: number;
      error: string | null;
      outputPath: string;
    }>(
      `SELECT "id", "name", "status", "miniBatchesCompleted", "miniBatchesTotal", "filesFailed", "error", "outputPath" FROM "Job" WHERE "id" = $1`,
      [job.id],
    );
    if (performance.now() - said > 60_000) {
      said = performance.now();
      log(
        `job ${j.name} (${endpoint}) still ${j.status}: ${j.miniBatchesCompleted}/${j.miniBatchesTotal} mini-batches, ${j.filesFailed} files failed`,
      );
    }
    if (["completed", "completed_with_errors", "failed", "canceled"].includes(j.status)) {
      if (j.status !== "completed" || j.filesFailed)
        throw new Error(`bench job ${j.status} with ${j.filesFailed} failed files: ${j.error ?? "see its errors.jsonl"}`);
      return { job: j, seconds: (performance.now() - t0) / 1000, startedAt: wallT0, endedAt: Date.now() };
    }
    await new Promise((r) => setTimeout(r, pollWait(progress, j)));
  }
}
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
/** Logs a moment on the clock of `--cpu-prof` profiles (µs), so a profile can be cut to it. */
const mark = (what: string) => log(`${what} at hrtime ${process.hrtime.bigint() / 1000n} µs`);
/**
 * Where a job's wall time went, from its mini-batches' rows: invoke to the first start, the scoring
 * window's worker time not inside run() (the attempt's own overhead: inputs, dispatch, outputs; and
 * the rest: recording, claiming, the tail where one lane still scores), and the last finish to the end.
 * The split inside the window holds when each lane has one mini-batch in flight (claims of one, as
 * with 1 s mini-batches); with two in flight their times overlap and only the totals mean anything.
 */
async function jobTimeline(jobId: string, startedAt: number, endedAt: number) {
  const { rows } = await sql().query<{ s: number; f: number; d: number; q: number | null }>(
    `SELECT EXTRACT(EPOCH FROM "startedAt") * 1000 AS s, EXTRACT(EPOCH FROM "finishedAt") * 1000 AS f, "durationMs" AS d, "queuedMs" AS q
     FROM "MiniBatch" WHERE "jobId" = $1`,
    [jobId],
  );
  const first = Math.min(...rows.map((r) => Number(r.s)));
  const last = Math.max(...rows.map((r) => Number(r.f)));
  const window = last - first;
  const run = sum(rows.map((r) => r.d));
  const inAttempt = sum(rows.map((r) => Number(r.f) - Number(r.s) - r.d - (r.q ?? 0)));
  const queued = sum(rows.map((r) => r.q ?? 0));
  return [
    `invoke → first start ${(first - startedAt).toFixed(0)} ms`,
    `scoring window ${window.toFixed(0)} ms × ${PARALLELISM} workers: run() ${run.toFixed(0)} ms, attempts' own overhead ${inAttempt.toFixed(0)} ms (${(inAttempt / rows.length).toFixed(1)} per mini-batch), queued ${queued.toFixed(0)} ms, between attempts and tail ${(window * PARALLELISM - run - inAttempt - queued).toFixed(0)} ms`,
    `last finish → completed seen ${(endedAt - last).toFixed(0)} ms`,
  ].join("; ");
}
/** How long to wait before the next poll of a job: about a quarter of the time its pace says is left, 50 ms-1 s. */
function pollWait(progress: { first?: { t: number; done: number } }, j: { miniBatchesCompleted: number; miniBatchesTotal: number }) {
  const now = performance.now();
  if (j.miniBatchesTotal > 0 && j.miniBatchesCompleted >= j.miniBatchesTotal) return 25; // finalizing
  if (!j.miniBatchesCompleted) return 50; // planning, or the first mini-batches
  progress.first ??= { t: now, done: j.miniBatchesCompleted };
  const first = progress.first;
  const msPerMiniBatch = (now - first.t) / Math.max(1, j.miniBatchesCompleted - first.done);
  const left = (j.miniBatchesTotal - j.miniBatchesCompleted) * msPerMiniBatch;
  return Math.max(50, Math.min(1000, left / 4));
}
const JOB_NOTES = `The baseline calls the same scoring pool on the same files, already on local disk, with the same
parallelism and mini-batch size, and no database, blob storage or executor. Overhead per mini-batch is
the step's wall time minus the time inside run() and the time queued for a free worker: downloading
the inputs, bookkeeping in Postgres and staging the output block. Orchestration CPU is the CPU time
(user + system) this process (app, executor, PGlite's thread) and Azurite used during the job, per
mini-batch; the scorers' own CPU is not in it.`;
const PLAN_NOTES = `Planning figures: the planner's live heap growth is the peak of the main thread's heap, sampled
with a forced garbage collection every 100 ms, over the heap before planning. Process RSS includes
PGlite, which runs on a worker thread of this process and grows its WASM memory as it stores rows.`;
const rows: [string, string][] = [];
function write() {
  const command = ONLY_PLAN
    ? `BENCH_ONLY=plan BENCH_PLAN_FILES=${PLAN_FILES} npm run bench:jobs`
    : ONLY_EFFICIENCY
      ? `${FS_COMPARE ? "BENCH_FS=1" : "BENCH_ONLY=efficiency"} BENCH_FILES=${FILES} BENCH_COST_MS=${COST_MS} BENCH_MINI_BATCH=${MINI_BATCH} npm run bench:jobs`
      : `BENCH_FILES=${FILES} BENCH_COST_MS=${COST_MS} BENCH_PLAN_FILES=${PLAN_FILES} npm run bench:jobs`;
  const title = ONLY_PLAN
    ? "Batch jobs: planning memory"
    : FS_COMPARE
      ? "Batch jobs: filesystem datastore"
      : ONLY_EFFICIENCY
        ? "Batch jobs: efficiency only"
        : "Batch jobs";
  const body = `Measured ${new Date().toISOString().slice(0, 10)} with \`${command}\` on ${cpus().length} cores, Node ${process.version}:
PGlite on a worker thread, Azurite, the embedded executor, the app's functions behind the SDK's serve() and
Python scoring workers, all on this machine. 1-minute load average at the start / now: ${loadBefore.toFixed(2)} / ${loadavg()[0].toFixed(2)}.

| figure | value |
| --- | --- |
${rows.map(([k, v]) => `| ${k} | ${v} |`).join("\n")}

${ONLY_PLAN ? PLAN_NOTES : `${JOB_NOTES}${PLAN_FILES && !ONLY_EFFICIENCY ? `\n\n${PLAN_NOTES}` : ""}`}

Figures are written as they are measured, so an interrupted run keeps the ones it has. What they
mean against the targets: "Batch jobs: reading the figures" below.`;
  writeBenchmarkSection(title, body);
  return body;
}
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];
const log = (s: string) => console.log(`[bench:jobs] ${s}`);

/** The baseline's inputs: FILES one-byte files on local disk (the targets run and the efficiency section each call it once; only one of them runs). */
function writeLocalFiles(): string[] {
  const localDir = path.join(dir, "local");
  mkdirSync(localDir);
  return Array.from({ length: FILES }, (_, i) => {
    const f = path.join(localDir, `${String(i).padStart(7, "0")}.txt`);
    writeFileSync(f, "x");
    return f;
  });
}

/** A deployment for the baseline: the same scorer, run by the scoring pool directly (no job, storage or executor). */
function baselineDeployment(id: string, costMs: number) {
  const codeDir = path.join(dir, `code-${id}`);
  mkdirSync(codeDir);
  writeFileSync(path.join(codeDir, "score.py"), cpuScorer(costMs));
  return {
    id,
    version: 1,
    runtime: "python" as const,
    interpreter: PYTHON,
    codeDir,
    scoringScript: "score.py",
    modelDir: null,
    instanceCount: PARALLELISM,
    maxConcurrencyPerInstance: 1,
    timeoutSeconds: 600,
    loggingLevel: "info" as const,
  };
}

/**
 * Deploys a scorer whose predictions are the time run() was called; returns a timer of invoke → first
 * run() over `datastore` (read back from the job's predictions file: the sandbox cannot write elsewhere).
 */
async function firstRunTimer(endpoint: string, datastore: string, quiesce = false) {
  const stampCode = "import time\ndef init(): pass\ndef run(batch):\n    return [f'{time.time():.6f}' for _ in batch]\n";
  const store = await getStorageTargetOrThrow({ workspaceId: ws.id, name: datastore });
  await uploadMany(`${endpoint}/`, 1, store);
  await deploy(endpoint, stampCode);
  let n = 0;
  return async () => {
    const t0 = Date.now() / 1000;
    hop("invoke called");
    const { job } = await runJob(
      endpoint,
      `${endpoint}/`,
      { output: { path: `datastores/${datastore}/paths/out-${endpoint}-${n++}/` } },
      datastore,
    );
    const predictions = await readBlobText(store, `${outputPrefix(job.outputPath)}predictions.csv`);
    const stamp = predictions.match(/\d{10}\.\d{6}/);
    if (!stamp) throw new Error(`no run() time in the predictions of ${job.name}: ${predictions.slice(0, 200)}`);
    hops?.push([Number(stamp[0]) * 1000, "run() called"]);
    // The job's tail (finalize, notify) ends before the next job starts: each invoke meets an idle stack.
    if (quiesce) await untilExecutorIdle();
    return Number(stamp[0]) - t0;
  };
}

/** Waits until the executor has no run queued or running (polled every 20 ms). */
async function untilExecutorIdle() {
  for (;;) {
    benchPolls++;
    const [{ n }] = await db.$queryRawUnsafe<{ n: number }[]>(
      "SELECT count(*)::int AS n FROM executor.runs WHERE status IN ('Queued', 'Running')",
    );
    if (n === 0) return;
    await new Promise((r) => setTimeout(r, 20));
  }
}

if (TARGETS) await measureTargets();
if (FIRST_RUN) await measureFirstRun();

/**
 * Issue 13's invoke → first run() with a warm worker, alone: a cold job first (the deployment's worker
 * starts), then BENCH_FIRST_RUNS warm jobs per lanes setting, alternating; then one traced job per
 * setting, its hops (SQL statements, executor → SDK calls, event sends) printed with their times.
 */
async function measureFirstRun(): Promise<never> {
  const { getEnv } = await import("../../lib/env");
  await createDatastore({ workspaceId: ws.id, actor, input: { kind: "filesystem", name: "bench_local" } });
  const firstRun = await firstRunTimer("first", "bench_local", true);
  const cold = await firstRun();
  log(`cold: ${cold.toFixed(3)} s`);
  const warm: Record<string, number[]> = { off: [], on: [] };
  const cpu: Record<string, number[]> = { off: [], on: [] };
  const setLanes = (lanes: string) => {
    (getEnv() as { BATCHPOINT_LANES: string }).BATCHPOINT_LANES = lanes;
  };
  for (let i = 0; i < FIRST_RUNS; i++)
    for (const lanes of i % 2 ? ["on", "off"] : ["off", "on"]) {
      setLanes(lanes);
      const c0 = cpuSeconds().app;
      warm[lanes].push(await firstRun());
      cpu[lanes].push(cpuSeconds().app - c0);
    }
  for (const lanes of ["off", "on"]) {
    setLanes(lanes);
    hops = [];
    await firstRun();
    const h = hops.sort((a, b) => a[0] - b[0]);
    hops = null;
    const start = h.find(([, w]) => w === "invoke called")?.[0] ?? h[0][0];
    const runAt = h.find(([, w]) => w === "run() called")?.[0] ?? Number.POSITIVE_INFINITY;
    const before = h.filter(([t]) => t <= runAt);
    const count = (re: RegExp) => before.filter(([, w]) => re.test(w)).length;
    log(
      `trace, lanes ${lanes}: up to run(): ${count(/^sql /)} SQL statements, ${count(/^SDK call /)} executor → SDK calls, ${count(/^fetch .*[^0-9]$/)} event sends`,
    );
    let prev = start;
    for (const [t, w] of h) {
      console.log(`  ${(t - start).toFixed(1).padStart(7)} ms  (+${(t - prev).toFixed(1).padStart(6)})  ${w}`);
      prev = t;
    }
  }
  const med = (xs: number[]) => pct(xs, 50);
  const fmt = (xs: number[]) => `${med(xs).toFixed(3)} s (min ${Math.min(...xs).toFixed(3)}, max ${Math.max(...xs).toFixed(3)})`;
  log(`warm, lanes off: ${warm.off.map((x) => x.toFixed(3)).join(" ")}`);
  log(`warm, lanes on: ${warm.on.map((x) => x.toFixed(3)).join(" ")}`);
  writeBenchmarkSection(
    "Batch jobs: invoke → first run(), warm worker",
    `Measured ${new Date().toISOString().slice(0, 10)} with \`BENCH_ONLY=first-run BENCH_FIRST_RUNS=${FIRST_RUNS} npm run bench:jobs\` on ${cpus().length} cores, Node ${process.version}.
A one-file job on a filesystem datastore (the embedded default) whose scorer returns the time run() was called; the time runs from the call
of \`startJob\` (the invoke: validation, the Job row, the event send) to that stamp, read back from the job's predictions. The deployment's
worker was started by an earlier job (its cold figure: ${cold.toFixed(3)} s), and each job starts once the previous one's runs (finalize,
notifications) have ended. ${FIRST_RUNS} jobs per setting, lanes on and off alternating;
app CPU is this process (app, executor, PGlite's thread) per job, from invoke to the job's end. 1-minute load at the start / now:
${loadBefore.toFixed(2)} / ${loadavg()[0].toFixed(2)}.

| figure | one run per mini-batch | lanes | target |
| --- | --- | --- | --- |
| invoke → first run(), warm worker: median (min, max) | ${fmt(warm.off)} | ${fmt(warm.on)} | ≤ 0.1 s |
| app CPU per one-file job (median) | ${(med(cpu.off) * 1000).toFixed(0)} ms | ${(med(cpu.on) * 1000).toFixed(0)} ms | |`,
  );
  return stopAll();
}

/**
 * The efficiency targets of issue 13, each job run twice in one sitting, by one durable run per
 * mini-batch and by scoring lanes (the order alternates between cases), against a baseline that calls
 * the same scoring pool directly on the same files on local disk.
 */
async function measureTargets(): Promise<never> {
  const { getEnv } = await import("../../lib/env");
  await createDatastore({ workspaceId: ws.id, actor, input: { kind: "filesystem", name: "bench_local" } });
  const local = await getStorageTargetOrThrow({ workspaceId: ws.id, name: "bench_local" });
  const cases = [
    { files: FILES, cost: COST_MS, mb: 10, target: "≥ 0.95" },
    { files: FILES, cost: COST_MS, mb: 50, target: "≥ 0.98" },
    { files: Math.round(FILES / 10), cost: COST_MS * 10, mb: 10, target: "≥ 0.99" },
  ].filter((_, i) => !TARGET_CASES || TARGET_CASES.includes(i));
  const localFiles = writeLocalFiles();
  const uploaded = new Set<number>();
  const table: string[] = [];
  const idle0 = cpuSeconds();
  const idleT0 = performance.now();
  mark("idle starts");
  await new Promise((r) => setTimeout(r, 10_000));
  mark("idle ends");
  const idle1 = cpuSeconds();
  const idleRate = (idle1.app - idle0.app + idle1.azurite - idle0.azurite) / ((performance.now() - idleT0) / 1000);
  const writeTargets = () =>
    writeBenchmarkSection(
      "Batch jobs: issue 13 targets, lanes against one run per mini-batch",
      `Measured ${new Date().toISOString().slice(0, 10)} with \`BENCH_ONLY=targets BENCH_FILES=${FILES} BENCH_COST_MS=${COST_MS} npm run bench:jobs\` on ${cpus().length} cores, Node ${process.version}.
Everything in this process and its children, for real: PGlite on a worker thread, the embedded executor, the app's functions behind the
SDK's serve(), Python scoring workers, inputs on a filesystem datastore (the embedded default; Azurite runs, idle). Each job runs twice in
one sitting, once by one durable run per mini-batch and once by lanes (\`BATCHPOINT_LANES\`), the order alternating between cases.
Efficiency is the baseline's time (the same scoring pool called directly on the same files on local disk, same workers and mini-batch
size) over the job's. Orchestration CPU is this process (app, executor, PGlite) and Azurite, per mini-batch, the scorers excluded; the
stack's idle rate before the jobs was ${(idleRate * 1000).toFixed(1)} ms/s. 1-minute load at the start / now: ${loadBefore.toFixed(2)} / ${loadavg()[0].toFixed(2)}.

| figure | one run per mini-batch | lanes | target |
| --- | --- | --- | --- |
${table.join("\n")}`,
    );
  for (const [i, c] of cases.entries()) {
    const prefix = `t${c.files}/`;
    if (!uploaded.has(c.files)) await uploadMany(prefix, c.files, local);
    uploaded.add(c.files);
    const endpoint = `t${c.cost}m${c.mb}`;
    await deploy(endpoint, cpuScorer(c.cost), { miniBatchSize: c.mb });
    const pools = new ScoringPools({ idleTimeoutMs: 0 });
    const base = baselineDeployment(`baseline-${endpoint}`, c.cost);
    for (let w = 0; w < PARALLELISM; w++) await pools.run(base, { input: { kind: "files", files: localFiles.slice(0, 1) } });
    const b0 = performance.now();
    const results = await Promise.all(
      Array.from({ length: Math.ceil(c.files / c.mb) }, (_, k) =>
        pools.run(base, { input: { kind: "files", files: localFiles.slice(k * c.mb, Math.min(c.files, (k + 1) * c.mb)) } }),
      ),
    );
    const baseline = (performance.now() - b0) / 1000;
    await pools.shutdown();
    if (results.some((r) => !r.ok)) throw new Error("baseline mini-batch failed");
    const miniBatches = Math.ceil(c.files / c.mb);
    const cells: Record<string, { eff: string; cpu: string; counts: string }> = {};
    for (const lanes of (i % 2 ? ["on", "off"] : ["off", "on"]).filter((l) => !TARGET_LANES || l === TARGET_LANES)) {
      (getEnv() as { BATCHPOINT_LANES: string }).BATCHPOINT_LANES = lanes;
      const cpu0 = cpuSeconds();
      const n0 = { sql: sqlStatements - benchPolls, sdk: sdkCalls };
      mark("job starts");
      const run = await runJob(
        endpoint,
        prefix,
        { output: { path: `datastores/bench_local/paths/out-${endpoint}-${lanes}/` } },
        "bench_local",
      );
      const cpu1 = cpuSeconds();
      mark("job ends");
      const n1 = { sql: sqlStatements - benchPolls, sdk: sdkCalls };
      const orch = cpu1.app - cpu0.app + cpu1.azurite - cpu0.azurite;
      cells[lanes] = {
        eff: `${(baseline / run.seconds).toFixed(3)} (job ${run.seconds.toFixed(1)} s)`,
        cpu: `${((orch * 1000) / miniBatches).toFixed(1)} ms (${(((orch - idleRate * run.seconds) * 1000) / miniBatches).toFixed(1)} above idle)`,
        counts: `${((n1.sql - n0.sql) / miniBatches).toFixed(2)} / ${((n1.sdk - n0.sdk) / miniBatches).toFixed(2)}`,
      };
      log(`${endpoint} lanes ${lanes}: ${cells[lanes].eff}, ${cells[lanes].cpu}, baseline ${baseline.toFixed(1)} s`);
      log(`${endpoint} lanes ${lanes}, where the job's time went: ${await jobTimeline(run.job.id, run.startedAt, run.endedAt)}`);
      log(
        `${endpoint} baseline: run() ${sum(results.map((r) => r.durationMs)).toFixed(0)} ms over ${PARALLELISM} workers in ${(baseline * 1000).toFixed(0)} ms`,
      );
    }
    const what = `${c.files.toLocaleString("en")} files × ${c.cost} ms, mini_batch_size ${c.mb}`;
    table.push(
      `| efficiency, ${what} (baseline ${baseline.toFixed(1)} s) | ${cells.off?.eff ?? "-"} | ${cells.on?.eff ?? "-"} | ${c.target} |`,
      `| orchestration CPU per mini-batch, ${what} | ${cells.off?.cpu ?? "-"} | ${cells.on?.cpu ?? "-"} | ≤ 5 ms |`,
      `| SQL statements / executor→SDK calls per mini-batch, ${what} | ${cells.off?.counts ?? "-"} | ${cells.on?.counts ?? "-"} | |`,
    );
    writeTargets();
  }
  if (TARGET_CASES || TARGET_LANES) return stopAll(); // a profiling sitting: the first-run figure is its own
  const firstRun = await firstRunTimer("first", "bench_local");
  const warm: Record<string, number[]> = { off: [], on: [] };
  await firstRun(); // the cold start: a new deployment's code download, worker start and init
  for (let i = 0; i < 5; i++)
    for (const lanes of ["off", "on"]) {
      (getEnv() as { BATCHPOINT_LANES: string }).BATCHPOINT_LANES = lanes;
      warm[lanes].push(await firstRun());
    }
  const median = (xs: number[]) => `${pct(xs, 50).toFixed(3)} s`;
  table.push(`| invoke → first run(), warm worker (median of 5) | ${median(warm.off)} | ${median(warm.on)} | ≤ 0.1 s |`);
  writeTargets();
  return stopAll();
}

if (!ONLY_PLAN) {
  // 1. Efficiency: the same scorer, files and parallelism, through a job and called directly.
  log(`uploading ${FILES} input files`);
  await uploadMany("eff/", FILES);
  await deploy("cpu", cpuScorer(COST_MS));
  // The stack's CPU with no job, per second: on a shared machine much of a job's CPU is this background rate.
  const idle0 = cpuSeconds();
  const idleT0 = performance.now();
  await new Promise((r) => setTimeout(r, 10_000));
  const idle1 = cpuSeconds();
  const idleRate = (idle1.app - idle0.app + idle1.azurite - idle0.azurite) / ((performance.now() - idleT0) / 1000);
  const cpu0 = cpuSeconds();
  const counts0 = { sql: sqlStatements - benchPolls, sdk: sdkCalls };
  mark("job starts");
  const jobRun = await runJob("cpu", "eff/");
  const cpu1 = cpuSeconds();
  const counts1 = { sql: sqlStatements - benchPolls, sdk: sdkCalls };
  mark("job ends");
  const perMiniBatch = (x: number) => `${((x * 1000) / (FILES / MINI_BATCH)).toFixed(1)} ms`;
  log(
    `job: ${jobRun.seconds.toFixed(1)} s, CPU app ${(cpu1.app - cpu0.app).toFixed(1)} s, azurite ${(cpu1.azurite - cpu0.azurite).toFixed(1)} s`,
  );
  const localFiles = writeLocalFiles();
  const pools = new ScoringPools({ idleTimeoutMs: 0 });
  const baseDeployment = baselineDeployment("baseline", COST_MS);
  await pools.run(baseDeployment, { input: { kind: "files", files: localFiles.slice(0, 1) } }); // warm the workers, as the job's were after its first mini-batch
  await pools.run(baseDeployment, { input: { kind: "files", files: localFiles.slice(0, 1) } });
  const b0 = performance.now();
  const batches = [];
  for (let i = 0; i < FILES; i += MINI_BATCH)
    batches.push(pools.run(baseDeployment, { input: { kind: "files", files: localFiles.slice(i, i + MINI_BATCH) } }));
  const baseResults = await Promise.all(batches);
  const baselineSeconds = (performance.now() - b0) / 1000;
  if (baseResults.some((r) => !r.ok)) throw new Error("baseline mini-batch failed");
  await pools.shutdown();
  log(`baseline: ${baselineSeconds.toFixed(1)} s`);
  rows.push(
    [
      `efficiency at ${FILES.toLocaleString("en")} files × ${COST_MS} ms CPU, mini_batch_size ${MINI_BATCH}, ${PARALLELISM} workers (baseline time / job time)`,
      `${(baselineSeconds / jobRun.seconds).toFixed(3)} (job ${jobRun.seconds.toFixed(1)} s, baseline ${baselineSeconds.toFixed(1)} s)`,
    ],
    [
      `added wall time per mini-batch at full load ((job − baseline) / ${FILES / MINI_BATCH} mini-batches)`,
      `${(((jobRun.seconds - baselineSeconds) * 1000) / (FILES / MINI_BATCH)).toFixed(1)} ms`,
    ],
    [
      "orchestration CPU per mini-batch during the job: app, executor and PGlite process / Azurite",
      `${perMiniBatch(cpu1.app - cpu0.app)} / ${perMiniBatch(cpu1.azurite - cpu0.azurite)}`,
    ],
    [
      `orchestration CPU per mini-batch above the idle stack's rate (${(idleRate * 1000).toFixed(1)} ms/s, measured for 10 s before the job): app + Azurite`,
      perMiniBatch(cpu1.app - cpu0.app + cpu1.azurite - cpu0.azurite - idleRate * jobRun.seconds),
    ],
    [
      "SQL statements / executor→SDK calls per mini-batch during the job (every statement of this process but this bench's job poll)",
      `${((counts1.sql - counts0.sql) / (FILES / MINI_BATCH)).toFixed(2)} / ${((counts1.sdk - counts0.sdk) / (FILES / MINI_BATCH)).toFixed(2)}`,
    ],
  );
  if (FS_COMPARE) {
    // The same job over a filesystem datastore: inputs read in place, output parts appended locally.
    await createDatastore({ workspaceId: ws.id, actor, input: { kind: "filesystem", name: "bench_local" } });
    const local = await getStorageTargetOrThrow({ workspaceId: ws.id, name: "bench_local" });
    await uploadMany("eff/", FILES, local);
    const fs0 = cpuSeconds();
    const fsRun = await runJob("cpu", "eff/", { output: { path: "datastores/bench_local/paths/out-eff/" } }, "bench_local");
    const fs1 = cpuSeconds();
    log(
      `filesystem job: ${fsRun.seconds.toFixed(1)} s, CPU app ${(fs1.app - fs0.app).toFixed(1)} s, azurite ${(fs1.azurite - fs0.azurite).toFixed(1)} s`,
    );
    rows[0][0] = `Azurite datastore: ${rows[0][0]}`;
    rows[2][0] = `Azurite datastore: ${rows[2][0]}`;
    rows.push(
      [
        "filesystem datastore: efficiency, same files, scorer and baseline",
        `${(baselineSeconds / fsRun.seconds).toFixed(3)} (job ${fsRun.seconds.toFixed(1)} s)`,
      ],
      [
        "filesystem datastore: orchestration CPU per mini-batch: app, executor and PGlite process / Azurite",
        `${perMiniBatch(fs1.app - fs0.app)} / ${perMiniBatch(fs1.azurite - fs0.azurite)}`,
      ],
      [
        "orchestration CPU per mini-batch, filesystem / Azurite (app + Azurite)",
        `${((fs1.app - fs0.app + fs1.azurite - fs0.azurite) / (cpu1.app - cpu0.app + cpu1.azurite - cpu0.azurite)).toFixed(2)}`,
      ],
    );
  }
  write();
  if (ONLY_EFFICIENCY) {
    console.log(write());
    await stopAll();
  }

  // 2. Per-mini-batch overhead with a no-op scorer: step time minus time inside run().
  await uploadMany("noop/", 2000);
  await deploy("noop", "import os\ndef init(): pass\ndef run(batch): return [os.path.basename(p) for p in batch]\n");
  const noopRun = await runJob("noop", "noop/");
  const mbs = await db.miniBatch.findMany({
    where: { jobId: noopRun.job.id },
    select: { startedAt: true, finishedAt: true, durationMs: true, queuedMs: true },
  });
  const overheads = mbs.map((m) => m.finishedAt!.getTime() - m.startedAt!.getTime() - (m.durationMs ?? 0) - (m.queuedMs ?? 0));
  rows.push(
    ["per-mini-batch overhead under load, no-op scorer, p50 (200 mini-batches of 10 files, up to 32 at once)", `${pct(overheads, 50)} ms`],
    ["per-mini-batch overhead under load, p95", `${pct(overheads, 95)} ms`],
  );
  write();
  // The same, one mini-batch in flight: 20 jobs of one 10-file mini-batch, one after another.
  await uploadMany("one/", MINI_BATCH);
  const alone: number[] = [];
  for (let i = 0; i < 20; i++) {
    const r = await runJob("noop", "one/", { overwrite: true });
    const m = await db.miniBatch.findFirstOrThrow({
      where: { jobId: r.job.id },
      select: { startedAt: true, finishedAt: true, durationMs: true, queuedMs: true },
    });
    alone.push(m.finishedAt!.getTime() - m.startedAt!.getTime() - (m.durationMs ?? 0) - (m.queuedMs ?? 0));
  }
  rows.push([
    "per-mini-batch overhead alone, no-op scorer, p50 / p95 (20 mini-batches of 10 files, one at a time)",
    `${pct(alone, 50)} ms / ${pct(alone, 95)} ms`,
  ]);
  write();

  // 3. Time from invoke to the first run() call, cold (new deployment version: code download, worker start, init) and warm.
  const timeToFirstRun = await firstRunTimer("first", "workspaceblobstore");
  const cold = await timeToFirstRun();
  const warm = await timeToFirstRun();
  rows.push(
    ["invoke → first run(), cold worker (new deployment: code download, process start, init)", `${cold.toFixed(2)} s`],
    ["invoke → first run(), warm worker", `${warm.toFixed(2)} s`],
  );
  write();

  // 4. Finalize: commit 10,000 staged parts into one file.
  await uploadMany("fin/", FINALIZE_PARTS);
  const { job: finJob } = await invokeJob({
    workspaceId: ws.id,
    actor,
    endpointName: "noop",
    input: { input: { type: "uri_folder", path: "datastores/workspaceblobstore/paths/fin/" }, miniBatchSize: 1 },
  });
  await planJob({ jobId: finJob.id });
  const finPrefix = outputPrefix(finJob.outputPath);
  let k = 0;
  await Promise.all(
    Array.from({ length: 32 }, async () => {
      while (k < FINALIZE_PARTS) {
        const i = k++;
        await stageBlock(target, `${finPrefix}predictions.csv`, i, Buffer.from(`${i}\n`));
      }
    }),
  );
  await db.miniBatch.updateMany({ where: { jobId: finJob.id }, data: { status: "completed", succeededCount: 1 } });
  await db.job.update({ where: { id: finJob.id }, data: { miniBatchesCompleted: FINALIZE_PARTS, filesCompleted: FINALIZE_PARTS } });
  const f0 = performance.now();
  await finalizeJob({ jobId: finJob.id });
  const finalizeSeconds = (performance.now() - f0) / 1000;
  rows.push([
    `finalize: commit ${FINALIZE_PARTS.toLocaleString("en")} staged parts, errors.jsonl, summary`,
    `${finalizeSeconds.toFixed(2)} s`,
  ]);
  write();
} else {
  await deploy("noop", "import os\ndef init(): pass\ndef run(batch): return [os.path.basename(p) for p in batch]\n");
}
// 5. Planning memory: peak RSS growth while planning a small and a large input.
async function planPeak(prefix: string, n: number) {
  await uploadMany(prefix, n);
  const { job } = await invokeJob({
    workspaceId: ws.id,
    actor,
    endpointName: "noop",
    input: { input: { type: "uri_folder", path: `datastores/workspaceblobstore/paths/${prefix}` } },
  });
  global.gc?.();
  const before = process.memoryUsage();
  let peak = before.rss;
  let peakHeap = before.heapUsed;
  // A forced GC before each sample: the heap figure is what planning keeps alive, not garbage awaiting collection.
  const timer = setInterval(() => {
    global.gc?.();
    const m = process.memoryUsage();
    peak = Math.max(peak, m.rss);
    peakHeap = Math.max(peakHeap, m.heapUsed);
  }, 100);
  const t0 = performance.now();
  const plan = await planJob({ jobId: job.id });
  clearInterval(timer);
  if (!plan.ok) throw new Error(plan.error);
  // RSS includes PGlite's WASM memory (its worker thread lives in this process) as it stores the rows;
  // the planner's own memory is the main thread's JS heap.
  return {
    growthMiB: (peak - before.rss) / 2 ** 20,
    heapMiB: (peakHeap - before.heapUsed) / 2 ** 20,
    seconds: (performance.now() - t0) / 1000,
  };
}
log(`uploading ${PLAN_FILES} files for the planning figure`);
const smallPlan = await planPeak("plan-small/", PLAN_FILES / 10);
rows.push([
  `planning ${(PLAN_FILES / 10).toLocaleString("en")} files: planner live heap growth / process RSS growth (with PGlite) / time`,
  `${smallPlan.heapMiB.toFixed(1)} MiB / ${smallPlan.growthMiB.toFixed(1)} MiB / ${smallPlan.seconds.toFixed(1)} s`,
]);
write();
const largePlan = await planPeak("plan-large/", PLAN_FILES);
rows.push([
  `planning ${PLAN_FILES.toLocaleString("en")} files: planner live heap growth / process RSS growth (with PGlite) / time`,
  `${largePlan.heapMiB.toFixed(1)} MiB / ${largePlan.growthMiB.toFixed(1)} MiB / ${largePlan.seconds.toFixed(1)} s`,
]);
console.log(write());
await stopAll();

async function stopAll(): Promise<never> {
  server.close();
  await executor.stop();
  await azurite.stop();
  await pg.stop();
  rmSync(dir, { recursive: true, force: true });
  process.exit(0);
}
