import "server-only";
import { chownSync, existsSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { buildWorkerEnv, resolveInterpreter, SAFE_PATH, type JobEnv } from "./env";
import {
  allocateWorkerUid,
  assertSandboxUsable,
  createPidsCgroup,
  formatBytes,
  releaseWorkerUid,
  SANDBOX_PATHS,
  sandboxCommand,
  sandboxLimits,
  sandboxMode,
  type PidsCgroup,
  type SandboxLimits,
} from "./sandbox";
import { workspaceWorkDir } from "./sandbox-dirs";
import { workspaceStoresDir } from "@/lib/storage/filesystem";
import { buildingEnvironments, ensureEnvironment, planEnvironment, type BuiltEnvironment } from "./environments/build";
import { Exchange } from "./sandbox-exchange";
import type { MiniBatchFailure, MiniBatchInput, MiniBatchRequest, MiniBatchResult, ScoringDeployment } from "./types";
import { installExitHook, ScoringWorker, type InitFailure, type WireRequest, type WorkerOutcome } from "./worker";

export interface ScoringPoolsOptions {
  /** Cap on workers per deployment version; default maxScoringWorkers(). */
  maxWorkersPerPool?: number;
  /** A pool with no work for this long stops its workers; default 10 min, 0 = never. */
  idleTimeoutMs?: number;
  /** Limit for loading the script and running init(); default 120 s. */
  initTimeoutMs?: number;
  /** After an init() failure, requests fail at once with that error for this long; default 60 s. */
  initFailureCooldownMs?: number;
  /** Logs kept per mini-batch (the tail); default 256 KiB. */
  maxLogChars?: number;
  /** Where the harnesses live; default BATCHPOINT_SCORING_RUNTIMES_DIR or <cwd>/lib/scoring/runtimes. */
  runtimesDir?: string;
  /** Run workers in the bubblewrap sandbox; default from BATCHPOINT_SANDBOX (on unless `off`). */
  sandbox?: "on" | "off";
}

/** What a sandboxed worker carries besides its process. */
interface SandboxedWorker {
  exchange: Exchange;
  limits: SandboxLimits;
  cgroup: PidsCgroup | null;
  /** A root server without cgroups runs each worker as a uid of its own (RLIMIT_NPROC then binds). */
  uid: number | null;
}

export interface PoolStats {
  key: string;
  size: number;
  /** Live workers, including those still starting. */
  workers: number;
  starting: number;
  busy: number;
  queued: number;
}

/**
 * The machine's cap on workers per deployment version: BATCHPOINT_MAX_SCORING_WORKERS when set,
 * else os.availableParallelism() (one worker per core: scoring is usually CPU-bound).
 */
export function maxScoringWorkers(): number {
  const fromEnv = Number.parseInt(process.env.BATCHPOINT_MAX_SCORING_WORKERS ?? "", 10);
  return Number.isFinite(fromEnv) && fromEnv > 0 ? fromEnv : Math.max(1, os.availableParallelism());
}

/** instance_count x max_concurrency_per_instance, at least 1, at most `cap`. */
export function poolSize(d: Pick<ScoringDeployment, "instanceCount" | "maxConcurrencyPerInstance">, cap: number): number {
  const wanted = Math.max(1, Math.floor(d.instanceCount)) * Math.max(1, Math.floor(d.maxConcurrencyPerInstance));
  return Math.max(1, Math.min(wanted, cap));
}

function defaultRuntimesDir(): string {
  return process.env.BATCHPOINT_SCORING_RUNTIMES_DIR || path.join(process.cwd(), "lib", "scoring", "runtimes");
}

interface Pending {
  request: MiniBatchRequest;
  wire: WireRequest;
  inputCount: number;
  timeoutMs: number;
  /** performance.now() when queued: a worker that became ready in the same millisecond is told apart. */
  enqueuedAt: number;
  resolve: (r: MiniBatchResult) => void;
  onAbort?: () => void;
}

function wireFor(input: MiniBatchInput, env: Record<string, string | null>): WireRequest {
  if (input.kind === "jsonl") return { kind: "jsonl", file: input.file, env };
  // Named items reach run() as a list of one dict (object) per item: the harnesses pass `files` through as given.
  if (input.kind === "named") return { kind: "files", files: input.items, env };
  return input.kind === "files"
    ? { kind: "files", files: input.files, env }
    : { kind: "tabular", file: input.file, header: input.header, env };
}

function jobEnv(r: MiniBatchRequest): JobEnv {
  return {
    BATCH_INPUT_DIR: r.inputDir ?? null,
    BATCH_OUTPUT_DIR: r.outputDir ?? null,
    AZUREML_BI_OUTPUT_PATH: r.outputDir ?? null,
    JOBS_PAYLOAD_FILE: r.payloadFile ?? null,
    BATCH_EXPLAIN: r.explain ? "1" : null,
  };
}

/** Whole milliseconds the mini-batch has waited for a worker so far. */
function queuedMsOf(p: Pending): number {
  return Math.round(performance.now() - p.enqueuedAt);
}

function failure(p: Pending, fields: Partial<MiniBatchFailure> & { error: string }): MiniBatchFailure {
  return {
    ok: false,
    phase: "run",
    timedOut: false,
    canceled: false,
    logs: "",
    durationMs: 0,
    queuedMs: queuedMsOf(p),
    inputCount: p.inputCount,
    ...fields,
  };
}

function seconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toFixed(1)} s`;
}

/** The workers of one deployment version and the mini-batches waiting for them (FIFO). */
class DeploymentPool {
  size: number;
  lastActivity = Date.now();
  private workers = new Set<ScoringWorker>();
  private queue: Pending[] = [];
  private initFailure?: InitFailure & { until: number };
  private lastJobEnv: JobEnv = { BATCH_INPUT_DIR: null, BATCH_OUTPUT_DIR: null, JOBS_PAYLOAD_FILE: null };
  private closed = false;
  private sandboxed = new Map<ScoringWorker, SandboxedWorker>();
  /** Workers whose next mini-batch's files are being put in place. */
  private staging = new Set<ScoringWorker>();
  /** The deployment's venv: being built, or ready (null when there is none to build). */
  private environment?: { state: "building" } | { state: "ready"; built: BuiltEnvironment | null; notes: string[] };
  /** Workers whose first mini-batch's log still gets the environment's notes. */
  private announce = new Set<ScoringWorker>();

  constructor(
    readonly key: string,
    private readonly deployment: ScoringDeployment,
    private readonly opts: Required<ScoringPoolsOptions>,
  ) {
    this.size = poolSize(deployment, opts.maxWorkersPerPool);
  }

  stats(): PoolStats {
    const workers = [...this.workers];
    const count = (state: ScoringWorker["state"]) => workers.filter((w) => w.state === state).length;
    return {
      key: this.key,
      size: this.size,
      workers: workers.length,
      starting: count("starting"),
      busy: count("busy"),
      queued: this.queue.length,
    };
  }

  get idle(): boolean {
    return (
      this.queue.length === 0 && this.staging.size === 0 && ![...this.workers].some((w) => w.state === "busy" || w.state === "starting")
    );
  }

  submit(request: MiniBatchRequest): Promise<MiniBatchResult> {
    this.lastActivity = Date.now();
    const input = request.input;
    const wire = wireFor(input, jobEnv(request) as unknown as Record<string, string | null>);
    const inputCount = input.kind === "files" ? input.files.length : input.kind === "named" ? input.items.length : (input.rowCount ?? -1);
    return new Promise<MiniBatchResult>((resolve) => {
      const p: Pending = {
        request,
        wire,
        inputCount,
        timeoutMs: request.timeoutMs ?? this.deployment.timeoutSeconds * 1000,
        enqueuedAt: performance.now(),
        resolve,
      };
      if (this.closed) return resolve(failure(p, { error: "The scoring pool was shut down." }));
      const f = this.initFailure;
      if (f && Date.now() < f.until)
        return resolve(
          failure(p, { phase: "init", error: f.error, traceback: f.traceback, logs: f.logs, deterministic: f.deterministic ?? false }),
        );
      if (request.signal?.aborted) return resolve(failure(p, { canceled: true, error: "The mini-batch was canceled." }));
      if (request.signal) {
        p.onAbort = () => {
          const i = this.queue.indexOf(p);
          if (i === -1) return;
          this.queue.splice(i, 1);
          resolve(failure(p, { canceled: true, error: "The mini-batch was canceled before it started." }));
        };
        request.signal.addEventListener("abort", p.onAbort, { once: true });
      }
      this.queue.push(p);
      this.pump();
    });
  }

  /** Starts workers up to the pool's size ahead of work, so init() overlaps the job's planning. */
  warm(job: JobEnv): void {
    if (this.closed || (this.initFailure && Date.now() < this.initFailure.until)) return;
    this.lastActivity = Date.now();
    while (this.workers.size < this.size) if (!this.spawn(job)) return;
  }

  private pump(): void {
    if (this.closed) return;
    while (this.queue.length > 0) {
      const idle = [...this.workers].find((w) => w.state === "ready" && !this.staging.has(w));
      if (idle) {
        this.assign(idle, this.queue.shift()!);
        continue;
      }
      const starting = [...this.workers].filter((w) => w.state === "starting").length;
      if (this.workers.size < this.size && starting < this.queue.length) {
        if (!this.spawn(jobEnv(this.queue[0].request))) return;
        continue;
      }
      break;
    }
  }

  /** Builds (or finds) the deployment's venv once per pool, then starts the waiting work. */
  private prepareEnvironment(): void {
    const d = this.deployment;
    const files = d.environment!;
    this.environment = { state: "building" };
    (async () => {
      const names = [files.condaFile, files.requirementsFile].filter(Boolean).join(" and ");
      if (!buildingEnvironments())
        return {
          built: null,
          notes: [`${names} noted and ignored: building environments is off on this server (BATCHPOINT_BUILD_ENVIRONMENTS=0).`],
        };
      const base = resolveInterpreter("python", d.interpreter, d.environmentVariables?.PATH ?? SAFE_PATH);
      const built = await ensureEnvironment({
        plan: planEnvironment({ codeDir: d.codeDir, files, baseInterpreter: base }),
        allowNetwork: d.sandbox?.allowNetwork === true,
      });
      return { built, notes: built.notes };
    })().then(
      (ready) => {
        this.environment = { state: "ready", ...ready };
        this.pump();
      },
      (e: Error & { log?: string }) => {
        this.environment = undefined; // the next attempt after the cooldown builds again
        this.onInitFailure(undefined, { error: e.message, logs: e.log ?? "", deterministic: true });
      },
    );
  }

  private spawn(job: JobEnv): boolean {
    const d = this.deployment;
    if (d.runtime === "python" && (d.environment?.condaFile || d.environment?.requirementsFile)) {
      if (!this.environment) this.prepareEnvironment();
      if (this.environment?.state !== "ready") return false;
    }
    const venv = this.environment?.state === "ready" ? this.environment.built : null;
    const harness =
      d.runtime === "python"
        ? path.join(this.opts.runtimesDir, "python", "batch_worker.py")
        : path.join(this.opts.runtimesDir, "node", "batch-worker.mjs");
    const deploymentEnv = d.environmentVariables ?? {};
    let command: string;
    try {
      if (!existsSync(path.join(d.codeDir, d.scoringScript))) {
        throw new Error(`The scoring script '${d.scoringScript}' is not in the deployment's code.`);
      }
      command = venv ? venv.python : resolveInterpreter(d.runtime, d.interpreter, deploymentEnv.PATH ?? SAFE_PATH);
    } catch (e) {
      this.onInitFailure(undefined, { error: (e as Error).message, logs: "", deterministic: true });
      return false;
    }
    this.lastJobEnv = job;
    let box: SandboxedWorker | undefined;
    let args = [harness, d.codeDir, d.scoringScript, d.loggingLevel];
    let startEnv = job as unknown as Record<string, string | null>;
    let env = (homeDir: string) => buildWorkerEnv({ homeDir, modelDir: d.modelDir, job, deploymentEnv });
    let cwd = d.codeDir;
    let homeDir: string | undefined;
    if (this.opts.sandbox === "on") {
      try {
        const usable = assertSandboxUsable({ BATCHPOINT_SANDBOX: "on" });
        const limits = sandboxLimits(d.sandbox ?? {});
        const datastoresDir = d.workspaceId ? workspaceStoresDir(d.workspaceId) : null;
        const exchange = Exchange.create(path.join(workspaceWorkDir(d.workspaceId), ".workers"), datastoresDir);
        const cgroup = createPidsCgroup(limits.processes);
        const uid = !cgroup && usable.processLimit === "worker-uid" ? allocateWorkerUid() : null;
        box = { exchange, limits, cgroup, uid };
        if (uid !== null) chownSync(exchange.out, uid, uid); // BATCH_OUTPUT_DIR: the script's to write
        const inside = path.posix.join(SANDBOX_PATHS.runtimes, path.relative(this.opts.runtimesDir, harness).split(path.sep).join("/"));
        const spawnSpec = sandboxCommand({
          interpreter: command,
          argv: [inside, SANDBOX_PATHS.code, d.scoringScript, d.loggingLevel],
          codeDir: d.codeDir,
          modelDir: d.modelDir,
          runtimesDir: this.opts.runtimesDir,
          exchangeDir: exchange.dir,
          venvDir: venv?.venvDir ?? d.venvDir,
          datastoresDir,
          network: d.sandbox?.allowNetwork === true,
          limits,
          cgroupProcs: cgroup?.procs,
          workerUid: uid,
        });
        command = spawnSpec.command;
        args = spawnSpec.args;
        const boxedJob = Exchange.jobEnv(job, datastoresDir);
        startEnv = boxedJob;
        env = () =>
          buildWorkerEnv({
            homeDir: SANDBOX_PATHS.home,
            modelDir: d.modelDir ? SANDBOX_PATHS.model : null,
            job: boxedJob as unknown as JobEnv,
            deploymentEnv,
          });
        cwd = exchange.dir;
        homeDir = SANDBOX_PATHS.home;
      } catch (e) {
        box?.exchange.remove();
        box?.cgroup?.remove();
        if (box?.uid != null) releaseWorkerUid(box.uid);
        this.onInitFailure(undefined, { error: (e as Error).message, logs: "", deterministic: true });
        return false;
      }
    }
    let worker: ScoringWorker;
    try {
      const gone = box
        ? () => {
            box.exchange.remove();
            box.cgroup?.remove();
            if (box.uid !== null) releaseWorkerUid(box.uid);
            if (box.cgroup) setTimeout(() => box.cgroup?.remove(), 2000).unref(); // once the namespace's last process is gone
          }
        : undefined;
      worker = new ScoringWorker(
        {
          command,
          args,
          cwd,
          env,
          startEnv,
          initTimeoutMs: this.opts.initTimeoutMs,
          maxLogChars: this.opts.maxLogChars,
          homeDir,
          cpuLimitSeconds: box?.limits.cpuSeconds,
          onGone: gone,
        },
        {
          onReady: () => {
            this.initFailure = undefined;
            this.pump();
          },
          onInitFailure: (w, f) => this.onInitFailure(w, f),
          onExit: (w, reason) => {
            this.workers.delete(w);
            this.sandboxed.delete(w);
            // A worker killed for a timeout or cancel is replaced at once, so the pool stays warm.
            if (reason === "killed" && !this.closed && this.workers.size < this.size && !this.initFailure) this.spawn(this.lastJobEnv);
            this.pump();
          },
        },
      );
    } catch (e) {
      box?.exchange.remove();
      box?.cgroup?.remove();
      if (box?.uid != null) releaseWorkerUid(box.uid);
      this.onInitFailure(undefined, { error: `Could not start a scoring worker: ${(e as Error).message}`, logs: "", deterministic: true });
      return false;
    }
    if (box) this.sandboxed.set(worker, box);
    if (this.environment?.state === "ready" && this.environment.notes.length) this.announce.add(worker);
    this.workers.add(worker);
    return true;
  }

  private onInitFailure(worker: ScoringWorker | undefined, f: InitFailure): void {
    if (worker) {
      f = this.explainInitFailure(worker, f);
      this.workers.delete(worker);
      this.sandboxed.delete(worker);
    }
    if (this.closed) return;
    // Fail fast: every waiting mini-batch gets the init error, and so do new ones for a while,
    // instead of restarting a script whose init() keeps failing. Workers still starting the
    // same script are stopped: they would fail the same way.
    if (this.initFailure && Date.now() < this.initFailure.until) return;
    this.initFailure = { ...f, until: Date.now() + this.opts.initFailureCooldownMs };
    for (const w of this.workers) {
      if (w.state !== "starting") continue;
      this.workers.delete(w);
      w.kill();
    }
    for (const p of this.queue.splice(0)) {
      if (p.onAbort) p.request.signal?.removeEventListener("abort", p.onAbort);
      p.resolve(
        failure(p, { phase: "init", error: f.error, traceback: f.traceback, logs: f.logs, deterministic: f.deterministic ?? false }),
      );
    }
  }

  /** A sandboxed init() that hit a limit says which one. */
  private explainInitFailure(worker: ScoringWorker, f: InitFailure): InitFailure {
    const box = this.sandboxed.get(worker);
    if (!box) return f;
    const limit = limitError("init()", box, f.error, f.logs, worker.exit, 0);
    return limit ? { ...f, error: limit, deterministic: true } : f;
  }

  private assign(worker: ScoringWorker, p: Pending): void {
    if (p.onAbort) p.request.signal?.removeEventListener("abort", p.onAbort);
    const queuedMs = queuedMsOf(p);
    const coldStart = worker.readyAt >= p.enqueuedAt; // it waited for this worker's init()
    this.lastJobEnv = jobEnv(p.request);
    try {
      p.request.onStart?.();
    } catch {
      /* a caller's bookkeeping must not stop the mini-batch */
    }
    const box = this.sandboxed.get(worker);
    if (box) {
      // Put the mini-batch's files into the worker's exchange dir, with paths as the sandbox sees them.
      this.staging.add(worker);
      const hits = box.cgroup?.hits() ?? 0;
      box.exchange.stage(p.request.input, p.request).then(
        (input) => {
          this.staging.delete(worker);
          if (worker.state !== "ready") {
            this.queue.unshift(p);
            return this.pump();
          }
          const wire = wireFor(input, Exchange.jobEnv(jobEnv(p.request), box.exchange.datastoresDir));
          this.runOn(worker, p, wire, queuedMs, coldStart, { box, hits });
        },
        (e) => {
          this.staging.delete(worker);
          p.resolve(failure(p, { error: `Could not put the mini-batch's files in place: ${(e as Error).message}` }));
          this.pump();
        },
      );
      return;
    }
    this.runOn(worker, p, p.wire, queuedMs, coldStart);
  }

  private runOn(
    worker: ScoringWorker,
    p: Pending,
    wire: WireRequest,
    queuedMs: number,
    coldStart: boolean,
    sandbox?: { box: SandboxedWorker; hits: number },
  ): void {
    worker.run(wire, p.timeoutMs, p.request.signal).then(async (outcome) => {
      this.lastActivity = Date.now();
      let result = this.toResult(p, outcome, queuedMs, coldStart, worker.pid);
      if (this.announce.delete(worker) && this.environment?.state === "ready") {
        result = { ...result, logs: this.environment.notes.map((n) => `[batchpoint] ${n}`).join("\n") + "\n" + result.logs };
      }
      if (sandbox) {
        this.staging.add(worker); // not handed the next mini-batch before its outputs are collected
        result = await this.afterSandboxedRun(worker, p, result, outcome, sandbox);
        this.staging.delete(worker);
      }
      p.resolve(result);
      // Shrink when a job asked for fewer workers than are running.
      if (worker.state === "ready" && this.workers.size > this.size) {
        this.workers.delete(worker);
        void worker.stop();
      }
      this.pump();
    });
  }

  /** Files the script wrote go to the request's outputDir; a crossed limit is named in the error. */
  private async afterSandboxedRun(
    worker: ScoringWorker,
    p: Pending,
    result: MiniBatchResult,
    outcome: WorkerOutcome,
    s: { box: SandboxedWorker; hits: number },
  ): Promise<MiniBatchResult> {
    let notes: string[] = [];
    try {
      if (worker.state === "ready" || worker.state === "busy")
        notes = await s.box.exchange.collect(result.ok ? p.request.outputDir : undefined);
    } catch (e) {
      notes = [`[batchpoint] could not keep the files run() wrote: ${(e as Error).message}`];
    }
    if (notes.length) result = { ...result, logs: result.logs + notes.join("\n") + "\n" };
    if (result.ok) return result;
    const cpu = outcome.kind === "cpu" ? `run() used more than ${s.box.limits.cpuSeconds} s of CPU time; the worker was killed.` : null;
    const limit =
      cpu ??
      limitError(
        "run()",
        s.box,
        result.error,
        result.logs,
        outcome.kind === "crashed" ? outcome.exit : undefined,
        s.hits,
        result.traceback,
      );
    return limit ? { ...result, error: limit } : result;
  }

  private toResult(p: Pending, o: WorkerOutcome, queuedMs: number, coldStart: boolean, pid: number): MiniBatchResult {
    const base = { logs: o.logs, durationMs: o.durationMs, queuedMs, inputCount: p.inputCount };
    if (o.kind === "result") {
      const r = o.result;
      if (r.ok) {
        const count = r.count ?? 0;
        return {
          ...base,
          ok: true,
          format: r.format ?? "list",
          header: r.header,
          body: r.body ?? "",
          count,
          inputCount: p.inputCount >= 0 ? p.inputCount : (r.inputs ?? count),
          workerPid: pid,
          coldStart,
        };
      }
      if (p.inputCount < 0 && r.inputs !== undefined) base.inputCount = r.inputs;
      return {
        ...base,
        ok: false,
        phase: "run",
        timedOut: false,
        canceled: false,
        error: r.error ?? "run() failed.",
        traceback: r.traceback ?? undefined,
      };
    }
    if (o.kind === "timeout")
      return {
        ...base,
        ok: false,
        phase: "run",
        timedOut: true,
        canceled: false,
        error: `run() did not finish within ${seconds(p.timeoutMs)}; the worker was killed.`,
      };
    if (o.kind === "cpu")
      return {
        ...base,
        ok: false,
        phase: "run",
        timedOut: false,
        canceled: false,
        error: "run() used more CPU time than its limit; the worker was killed.",
      };
    if (o.kind === "canceled")
      return {
        ...base,
        ok: false,
        phase: "run",
        timedOut: false,
        canceled: true,
        error: "The mini-batch was canceled while run() was running; the worker was killed.",
      };
    const error = this.closed
      ? "The scoring pool was shut down while run() was running."
      : `The worker process ended (${o.exit ?? "unknown"}) during run().`;
    return { ...base, ok: false, phase: "run", timedOut: false, canceled: false, error };
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const p of this.queue.splice(0)) p.resolve(failure(p, { error: "The scoring pool was shut down." }));
    const workers = [...this.workers];
    this.workers.clear();
    await Promise.all(
      workers.map((w) => {
        if (w.state !== "busy") return w.stop();
        w.kill();
        return w.exited;
      }),
    );
  }
}

/**
 * Warm scoring workers for every deployment version in use: `run()` scores one mini-batch on
 * a free worker of that version (starting one if the pool is below its size), FIFO otherwise.
 */
export class ScoringPools {
  private pools = new Map<string, DeploymentPool>();
  private opts: Required<ScoringPoolsOptions>;
  private reaper?: NodeJS.Timeout;

  constructor(options: ScoringPoolsOptions = {}) {
    this.opts = {
      maxWorkersPerPool: options.maxWorkersPerPool ?? maxScoringWorkers(),
      idleTimeoutMs: options.idleTimeoutMs ?? 10 * 60_000,
      initTimeoutMs: options.initTimeoutMs ?? 120_000,
      initFailureCooldownMs: options.initFailureCooldownMs ?? 60_000,
      maxLogChars: options.maxLogChars ?? 256 * 1024,
      runtimesDir: options.runtimesDir ?? defaultRuntimesDir(),
      sandbox: options.sandbox ?? sandboxMode(),
    };
    installExitHook();
    if (this.opts.idleTimeoutMs > 0) {
      this.reaper = setInterval(() => void this.reapIdle(), Math.min(30_000, Math.max(100, this.opts.idleTimeoutMs / 2)));
      this.reaper.unref();
    }
  }

  /** Scores one mini-batch with the deployment's code. Never rejects: failures are results. */
  run(deployment: ScoringDeployment, request: MiniBatchRequest): Promise<MiniBatchResult> {
    return this.poolFor(deployment).submit(request);
  }

  private poolFor(deployment: ScoringDeployment): DeploymentPool {
    const key = `${deployment.id}:v${deployment.version}${deployment.scope ? `:job:${deployment.scope}` : ""}`;
    let pool = this.pools.get(key);
    if (!pool) {
      pool = new DeploymentPool(key, deployment, this.opts);
      this.pools.set(key, pool);
    }
    pool.size = poolSize(deployment, this.opts.maxWorkersPerPool);
    return pool;
  }

  /**
   * Starts the deployment's workers now (init() included) without scoring anything, e.g. while
   * a job is being planned. An init() failure shows in the first run() result.
   */
  warm(deployment: ScoringDeployment, job: Pick<MiniBatchRequest, "inputDir" | "outputDir" | "payloadFile"> = {}): void {
    this.poolFor(deployment).warm(jobEnv({ input: { kind: "files", files: [] }, ...job }));
  }

  stats(): PoolStats[] {
    return [...this.pools.values()].map((p) => p.stats());
  }

  /** Stops the workers of pools that had no work for idleTimeoutMs. */
  async reapIdle(now = Date.now()): Promise<void> {
    const stale = [...this.pools.values()].filter((p) => p.idle && now - p.lastActivity >= this.opts.idleTimeoutMs);
    for (const p of stale) this.pools.delete(p.key);
    await Promise.all(stale.map((p) => p.close()));
  }

  /** Stops one deployment's workers (all versions), e.g. when it is deleted. */
  async closeDeployment(deploymentId: string): Promise<void> {
    const mine = [...this.pools.values()].filter((p) => p.key.startsWith(`${deploymentId}:v`));
    for (const p of mine) this.pools.delete(p.key);
    await Promise.all(mine.map((p) => p.close()));
  }

  /** Stops the workers kept for one job (its own environment variables), e.g. when it ends. */
  async closeScope(scope: string): Promise<void> {
    const mine = [...this.pools.values()].filter((p) => p.key.endsWith(`:job:${scope}`));
    for (const p of mine) this.pools.delete(p.key);
    await Promise.all(mine.map((p) => p.close()));
  }

  /** Stops every worker; waiting and running mini-batches fail with "shut down". */
  async shutdown(): Promise<void> {
    clearInterval(this.reaper);
    const all = [...this.pools.values()];
    this.pools.clear();
    await Promise.all(all.map((p) => p.close()));
  }
}

/**
 * Settings of the process-wide pools from the environment: BATCHPOINT_SCORING_IDLE_SECONDS
 * (default 600, 0 = never reap) and BATCHPOINT_SCORING_INIT_TIMEOUT_SECONDS (default 120).
 * BATCHPOINT_MAX_SCORING_WORKERS is read by maxScoringWorkers().
 */
export function poolOptionsFromEnv(env: Record<string, string | undefined> = process.env): ScoringPoolsOptions {
  const seconds = (name: string) => {
    const raw = env[name];
    if (raw === undefined || raw.trim() === "") return undefined;
    const n = Number(raw);
    if (!Number.isFinite(n) || n < 0) throw new Error(`${name} must be a number of seconds (0 or more), not '${raw}'.`);
    return n * 1000;
  };
  return { idleTimeoutMs: seconds("BATCHPOINT_SCORING_IDLE_SECONDS"), initTimeoutMs: seconds("BATCHPOINT_SCORING_INIT_TIMEOUT_SECONDS") };
}

const globalForPools = globalThis as unknown as { batchpointScoringPools?: ScoringPools };

/** The process-wide pools (cached on globalThis so dev reloads do not orphan workers). */
export function getScoringPools(): ScoringPools {
  globalForPools.batchpointScoringPools ??= new ScoringPools(poolOptionsFromEnv());
  return globalForPools.batchpointScoringPools;
}

/**
 * The sentence for a sandboxed worker that crossed one of its limits, from what the interpreter
 * reported (MemoryError, EFBIG, a V8 out-of-memory abort, SIGXFSZ) or the pids cgroup's counter.
 */
function limitError(
  what: string,
  box: SandboxedWorker,
  error: string,
  logs: string,
  exit: string | undefined,
  forkRefusalsBefore: number,
  traceback?: string | null,
): string | null {
  const l = box.limits;
  const memory = `${what} used more than ${formatBytes(l.memoryBytes)} of memory (the deployment's memory limit).`;
  if (/raised MemoryError/.test(error) || /Array buffer allocation failed|Invalid typed array length/.test(error)) return memory;
  if (
    /JavaScript heap out of memory|Fatal process out of memory|Reached heap limit|MemoryError/.test(logs) &&
    (exit || /MemoryError/.test(error))
  )
    return memory;
  if (/File too large|EFBIG|\[Errno 27\]/.test(error) || exit === "signal SIGXFSZ")
    return `${what} wrote a file larger than ${formatBytes(l.fileSizeBytes)} (the deployment's file size limit).`;
  if (
    (box.cgroup && box.cgroup.hits() > forkRefusalsBefore) ||
    /Resource temporarily unavailable.*fork|can't start new thread|EAGAIN.*spawn|spawn.*EAGAIN/.test(error) ||
    // RLIMIT_NPROC: fork() fails with EAGAIN, which Python raises as BlockingIOError at the fork itself.
    (/BlockingIOError: \[Errno 11\]/.test(error) && /\bos\.fork\(|\bfork\(|subprocess|Popen|_start_new_thread/.test(traceback ?? ""))
  )
    return `${what} tried to run more than ${l.processes} processes and threads (the deployment's process limit).`;
  if (/Too many open files|EMFILE/.test(error))
    return `${what} opened more than ${l.openFiles} files at once (the deployment's open files limit).`;
  return null;
}
