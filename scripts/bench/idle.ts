/**
 * Idle benchmark: `npm run bench idle`. Starts the embedded product as a user does (`npm start` in a
 * built checkout: the launcher with the executor and PGlite, Next's server, Azurite), waits until the
 * URL it prints answers, and samples the CPU of every process and thread of that tree from /proc,
 * twice: after it settled with no job ever run, and after it settled once one small job ran over the
 * REST API. Writes BENCHMARKS.md, section "Idle stack".
 *
 *   BENCH_IDLE_BEFORE=/path/to/other/built/checkout npm run bench idle   # that checkout first, then this one
 *   BENCH_IDLE_SETTLE_S=60 BENCH_IDLE_SAMPLE_S=60 BENCH_PORT=3430 BENCH_PG_PORT=54630 BENCH_AZURITE_PORT=10430
 *
 * Threads: Node 20 names none, so a Node process's threads are told apart by creation order and what
 * they wait on: the main thread (JS, and in the launcher PGlite's WASM too), V8's platform (its
 * delayed-task thread and 4 GC/JIT helpers, the next 5), then the inspector's signal thread, the libuv
 * pool (waiting on its condition variable) and worker threads (each in its own epoll_wait).
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { writeBenchmarkSection } from "./write-section";

const SETTLE_S = Number(process.env.BENCH_IDLE_SETTLE_S || 60);
const SAMPLE_S = Number(process.env.BENCH_IDLE_SAMPLE_S || 60); // a whole minute: each every-minute cron fires once in it
const PORT = Number(process.env.BENCH_PORT || 3430);
const PG_PORT = Number(process.env.BENCH_PG_PORT || 54630);
const AZURITE_PORT = Number(process.env.BENCH_AZURITE_PORT || 10430);
const BEFORE = process.env.BENCH_IDLE_BEFORE;
const PYTHON = process.env.BENCH_PYTHON || "/usr/bin/python3";
const TOKEN = `bp_idlebench_${"0".repeat(24)}`;
const EPOLL = new Set(["232", "281", "7"]); // epoll_wait, epoll_pwait, poll (x86_64)
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

type Thread = { pid: number; tid: number; process: string; kind: string; ns: number };
type Snapshot = { threads: Map<number, Thread>; reapedTicks: number };

function read(file: string): string | null {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return null;
  }
}
/** Fields of /proc/<pid>/stat after the command name: [0] is the state, [1] the parent, [11..14] utime stime cutime cstime. */
const statFields = (s: string) => s.slice(s.lastIndexOf(")") + 2).split(" ");

function processTree(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    const s = read(`/proc/${name}/stat`);
    if (!s) continue;
    const ppid = Number(statFields(s)[1]);
    children.set(ppid, [...(children.get(ppid) ?? []), Number(name)]);
  }
  const out: number[] = [];
  const walk = (p: number) => {
    out.push(p);
    for (const c of children.get(p) ?? []) walk(c);
  };
  walk(root);
  return out;
}

function processLabel(pid: number): { label: string; node: boolean } {
  const argv = (read(`/proc/${pid}/cmdline`) ?? "").split("\0").filter(Boolean);
  const cmd = argv.join(" ");
  const comm = (read(`/proc/${pid}/comm`) ?? "?").trim();
  const node = comm === "node" || comm.startsWith("next-server") || comm.startsWith("npm");
  if (/npm-cli\.js|(^|\/)npm( |$)/.test(cmd) || comm.startsWith("npm")) return { label: "npm", node: true };
  if (cmd.includes("scripts/run.ts")) return { label: "launcher (run.ts: executor + PGlite)", node };
  if (comm.startsWith("next-server") || cmd.includes("next-server")) return { label: "Next server", node: true };
  if (cmd.includes("azurite")) return { label: "Azurite", node };
  if (comm === "esbuild") return { label: "esbuild service (tsx)", node: false };
  if (comm === "bwrap") return { label: "scoring sandbox (bwrap)", node: false };
  if (comm.startsWith("python")) return { label: "scoring worker (python)", node: false };
  if (comm === "sh" || comm === "bash") return { label: "shell (npm)", node: false };
  return { label: comm, node };
}

/** Which part of a Node process a thread is, from its rank among the process's threads and what it waits on. */
function threadKind(node: boolean, rank: number, tid: number, pid: number): string {
  if (rank === 0) return "main thread";
  if (!node) return "other threads";
  if (rank <= 5) return "V8 platform (GC, JIT, delayed tasks)";
  if (rank === 6) return "signal watcher";
  const syscall = (read(`/proc/${pid}/task/${tid}/syscall`) ?? "").split(" ")[0];
  return EPOLL.has(syscall) ? "worker threads" : "libuv pool";
}

const kinds = new Map<number, { process: string; kind: string }>();
function snapshot(root: number): Snapshot {
  const threads = new Map<number, Thread>();
  let reapedTicks = 0;
  for (const pid of processTree(root)) {
    const stat = read(`/proc/${pid}/stat`);
    if (!stat) continue;
    const f = statFields(stat);
    reapedTicks += Number(f[13]) + Number(f[14]);
    let tids: number[];
    try {
      tids = readdirSync(`/proc/${pid}/task`)
        .map(Number)
        .sort((a, b) => a - b);
    } catch {
      continue;
    }
    const { label, node } = processLabel(pid);
    tids.forEach((tid, rank) => {
      const ns = Number((read(`/proc/${pid}/task/${tid}/schedstat`) ?? "0").split(" ")[0]);
      if (!kinds.has(tid)) kinds.set(tid, { process: label, kind: threadKind(node, rank, tid, pid) });
      const k = kinds.get(tid)!;
      threads.set(tid, { pid, tid, process: k.process, kind: k.kind, ns });
    });
  }
  return { threads, reapedTicks };
}

type Sample = { rows: Map<string, number>; byProcess: Map<string, number>; total: number; load: [number, number]; seconds: number };

/** CPU ms per wall second of each process · thread kind over `seconds`. */
async function sample(root: number, seconds: number): Promise<Sample> {
  const load0 = loadavg()[0];
  const a = snapshot(root);
  const t0 = performance.now();
  await sleep(seconds * 1000);
  const b = snapshot(root);
  const wall = (performance.now() - t0) / 1000;
  const rows = new Map<string, number>();
  const byProcess = new Map<string, number>();
  const add = (process: string, kind: string, ms: number) => {
    rows.set(`${process} · ${kind}`, (rows.get(`${process} · ${kind}`) ?? 0) + ms / wall);
    byProcess.set(process, (byProcess.get(process) ?? 0) + ms / wall);
  };
  for (const t of b.threads.values()) add(t.process, t.kind, (t.ns - (a.threads.get(t.tid)?.ns ?? 0)) / 1e6);
  // Processes that exited during the window (reaped by a parent in the tree): their whole CPU.
  add("exited child processes", "all threads", Math.max(0, b.reapedTicks - a.reapedTicks) * 10);
  const total = [...byProcess.values()].reduce((x, y) => x + y, 0);
  return { rows, byProcess, total, load: [load0, loadavg()[0]], seconds: wall };
}

class Stack {
  private child!: ChildProcess;
  private dataDir = mkdtempSync(path.join(tmpdir(), "bench-idle-"));
  url = "";
  constructor(readonly dir: string) {}

  get pid(): number {
    return this.child.pid!;
  }

  async start(): Promise<void> {
    if (!existsSync(path.join(this.dir, ".next", "BUILD_ID")))
      throw new Error(`${this.dir} has no production build: run \`npm run build\` there first`);
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(process.env)) {
      if (v === undefined || /^(DATABASE_URL|AZURE_STORAGE_CONNECTION_STRING|INNGEST_|BATCHPOINT_|NEXTAUTH_|PORT$|HOST$)/.test(k)) continue;
      env[k] = v;
    }
    Object.assign(env, {
      BATCHPOINT_DATA_DIR: this.dataDir,
      PORT: String(PORT),
      BATCHPOINT_PG_PORT: String(PG_PORT),
      BATCHPOINT_AZURITE_PORT: String(AZURITE_PORT),
      BATCHPOINT_ADMIN_EMAIL: "admin@idle.bench",
      BATCHPOINT_ADMIN_PASSWORD: "idle bench password",
      BATCHPOINT_ADMIN_TOKEN: TOKEN,
    });
    this.child = spawn("npm", ["start", "--silent"], {
      cwd: this.dir,
      env: env as NodeJS.ProcessEnv,
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let tail = "";
    const ready = new Promise<string>((resolve, reject) => {
      const onLine = (line: string) => {
        tail = `${tail}\n${line}`.slice(-4000);
        const m = /\[batchpoint\] ready: (\S+)/.exec(line);
        if (m) resolve(m[1]);
      };
      createInterface({ input: this.child.stdout! }).on("line", onLine);
      createInterface({ input: this.child.stderr! }).on("line", onLine);
      this.child.once("exit", (code) => reject(new Error(`npm start exited (${code}) before it was ready:${tail}`)));
    });
    this.url = await ready;
    for (;;) {
      const res = await fetch(this.url, { redirect: "manual" }).catch(() => null);
      if (res && res.status < 500) return;
      await sleep(200);
    }
  }

  async api(method: string, route: string, body?: unknown, raw?: string): Promise<Record<string, unknown>> {
    const res = await fetch(`${this.url}/api/v1${route}`, {
      method,
      headers: { authorization: `Bearer ${TOKEN}`, ...(body ? { "content-type": "application/json" } : {}) },
      body: raw ?? (body ? JSON.stringify(body) : undefined),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${route}: ${res.status} ${text.slice(0, 500)}`);
    return text ? (JSON.parse(text) as Record<string, unknown>) : {};
  }

  /** One small job, as a user runs it over REST: an endpoint, a Python deployment, 3 files, invoke, wait. */
  async runOneJob(): Promise<number> {
    const t0 = performance.now();
    await this.api("POST", "/endpoints", { name: "idle-bench" });
    await this.api("POST", "/endpoints/idle-bench/deployments", {
      name: "main",
      runtime: "python",
      interpreter: PYTHON,
      code: {
        files: {
          "score.py": "import os\ndef init():\n    pass\ndef run(mini_batch):\n    return [os.path.basename(p) for p in mini_batch]\n",
        },
      },
      scoringScript: "score.py",
      setDefault: true,
    });
    for (const f of ["a", "b", "c"]) await this.api("PUT", `/datastores/workspaceblobstore/files/idle/in/${f}.txt`, undefined, f);
    const job = await this.api("POST", "/endpoints/idle-bench/jobs", {
      input: { type: "uri_folder", path: "datastores/workspaceblobstore/paths/idle/in/" },
    });
    for (;;) {
      const j = await this.api("GET", `/jobs/${job.name}`);
      if (j.status === "completed") return (performance.now() - t0) / 1000;
      if (["failed", "canceled"].includes(String(j.status))) throw new Error(`the job ended ${j.status}: ${JSON.stringify(j.error)}`);
      await sleep(250);
    }
  }

  /** Ctrl-C, as a user stops it: SIGINT to the process group, then waits for npm to exit. */
  async stop(): Promise<void> {
    if (this.child.exitCode === null) {
      const exited = new Promise((r) => this.child.once("exit", r));
      process.kill(-this.pid, "SIGINT");
      await Promise.race([exited, sleep(30_000)]);
      try {
        process.kill(-this.pid, "SIGKILL");
      } catch {
        // the whole group is gone
      }
    }
    rmSync(this.dataDir, { recursive: true, force: true });
  }
}

function describe(dir: string): string {
  try {
    return execFileSync("git", ["-C", dir, "log", "-1", "--format=%h"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
  } catch {
    const base = read(path.join(dir, ".base-commit"));
    return base ? base.trim().slice(0, 7) : path.basename(dir);
  }
}

type Run = { label: string; fresh: Sample; afterJob: Sample; jobSeconds: number };

async function measure(dir: string, label: string): Promise<Run> {
  // A first start after an update compiles the launcher's TypeScript, and tsx's esbuild service then
  // stays up, pinging every second, until the process ends. Start once before, as a user's second start.
  console.log(`${label}: warm-up start of ${dir} (fills tsx's transform cache)`);
  const warm = new Stack(dir);
  try {
    await warm.start();
  } finally {
    await warm.stop();
  }
  console.log(`${label}: starting ${dir}`);
  kinds.clear();
  const stack = new Stack(dir);
  try {
    await stack.start();
    console.log(`${label}: ready at ${stack.url}; settling ${SETTLE_S} s, then sampling ${SAMPLE_S} s (no job ever run)`);
    await sleep(SETTLE_S * 1000);
    const fresh = await sample(stack.pid, SAMPLE_S);
    console.log(`${label}: no job yet: ${fresh.total.toFixed(1)} ms/s`);
    const jobSeconds = await stack.runOneJob();
    console.log(`${label}: one job in ${jobSeconds.toFixed(1)} s; settling ${SETTLE_S} s, then sampling ${SAMPLE_S} s`);
    await sleep(SETTLE_S * 1000);
    const afterJob = await sample(stack.pid, SAMPLE_S);
    console.log(`${label}: after one job: ${afterJob.total.toFixed(1)} ms/s`);
    return { label, fresh, afterJob, jobSeconds };
  } finally {
    await stack.stop();
  }
}

const here = process.cwd();
const runs: Run[] = [];
if (BEFORE) runs.push(await measure(path.resolve(BEFORE), `before (${describe(BEFORE)})`));
runs.push(await measure(here, `${BEFORE ? "after" : "this checkout"} (${describe(here)})`));

const columns = runs.flatMap((r) => [
  { head: `${r.label}, no job run`, s: r.fresh },
  { head: `${r.label}, after one job`, s: r.afterJob },
]);
const f = (x: number | undefined) => (x === undefined || x < 0.05 ? "0" : x.toFixed(1));
const processes = [...new Set(columns.flatMap((c) => [...c.s.byProcess.keys()]))].sort();
const lines: string[] = [];
lines.push(`| CPU ms per second, idle | ${columns.map((c) => c.head).join(" | ")} |`);
lines.push(`| --- | ${columns.map(() => "---").join(" | ")} |`);
lines.push(`| **whole stack** | ${columns.map((c) => `**${f(c.s.total)}**`).join(" | ")} |`);
for (const p of processes) {
  if (columns.every((c) => (c.s.byProcess.get(p) ?? 0) < 0.05)) continue;
  lines.push(`| ${p} | ${columns.map((c) => f(c.s.byProcess.get(p))).join(" | ")} |`);
  const rows = [...new Set(columns.flatMap((c) => [...c.s.rows.keys()].filter((k) => k.startsWith(`${p} · `))))].sort();
  if (rows.length < 2) continue;
  for (const r of rows) {
    if (columns.every((c) => (c.s.rows.get(r) ?? 0) < 0.05)) continue;
    lines.push(`| &nbsp;&nbsp;${r.slice(p.length + 3)} | ${columns.map((c) => f(c.s.rows.get(r))).join(" | ")} |`);
  }
}
lines.push(
  `| 1-minute load average, start → end of the sample | ${columns.map((c) => `${c.s.load[0].toFixed(1)} → ${c.s.load[1].toFixed(1)}`).join(" | ")} |`,
);

// The command as run: the settings that change the figures, not the ports.
const settings = [
  BEFORE ? `BENCH_IDLE_BEFORE=${BEFORE}` : "",
  process.env.BENCH_IDLE_SETTLE_S ? `BENCH_IDLE_SETTLE_S=${SETTLE_S}` : "",
  process.env.BENCH_IDLE_SAMPLE_S ? `BENCH_IDLE_SAMPLE_S=${SAMPLE_S}` : "",
]
  .filter(Boolean)
  .map((x) => `${x} `)
  .join("");
const body = `Measured ${new Date().toISOString().slice(0, 10)} with \`${settings}npm run bench idle\` (scripts/bench/idle.ts) on ${cpus().length} cores (${cpus()[0]?.model.trim()}), Node ${process.version}.
Each column is \`npm start\` of a built checkout with a fresh \`.data\` (embedded PGlite, Azurite, executor, Next's
production server) started once before to fill tsx's transform cache, left alone ${SETTLE_S} s after its URL answered, then sampled ${SAMPLE_S} s: CPU (user + system, from
\`/proc/<pid>/task/<tid>/schedstat\`) of every process and thread of the tree, per second of wall time. Then one small
job (3 files, a Python deployment, over REST; ${runs.map((r) => `${r.jobSeconds.toFixed(1)} s`).join(" / ")} from creating the endpoint to
completed) and again ${SETTLE_S} s of rest and a ${SAMPLE_S} s sample. PGlite runs on the launcher's main thread, so
its WASM is in that row. The last row is the machine's 1-minute load: anything else running shows there.

${lines.join("\n")}`;
writeBenchmarkSection("Idle stack", body);
console.log(`\n${body}`);
process.exit(0);
