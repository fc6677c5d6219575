import "server-only";
import { existsSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { buildWorkerEnv, resolveInterpreter, SAFE_PATH, type JobEnv } from "./env";
import type { MiniBatchFailure, MiniBatchRequest, MiniBatchResult, ScoringDeployment } from "./types";
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
  enqueuedAt: number;
  resolve: (r: MiniBatchResult) => void;
  onAbort?: () => void;
}

function jobEnv(r: MiniBatchRequest): JobEnv {
  return { BATCH_INPUT_DIR: r.inputDir ?? null, BATCH_OUTPUT_DIR: r.outputDir ?? null, AZUREML_BI_OUTPUT_PATH: r.outputDir ?? null, JOBS_PAYLOAD_FILE: r.payloadFile ?? null };
}

function failure(p: Pending, fields: Partial<MiniBatchFailure> & { error: string }): MiniBatchFailure {
  return {
    ok: false,
    phase: "run",
    timedOut: false,
    canceled: false,
    logs: "",
    durationMs: 0,
    queuedMs: Date.now() - p.enqueuedAt,
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
    return { key: this.key, size: this.size, workers: workers.length, starting: count("starting"), busy: count("busy"), queued: this.queue.length };
  }

  get idle(): boolean {
    return this.queue.length === 0 && ![...this.workers].some((w) => w.state === "busy" || w.state === "starting");
  }

  submit(request: MiniBatchRequest): Promise<MiniBatchResult> {
    this.lastActivity = Date.now();
    const input = request.input;
    const env = jobEnv(request) as unknown as Record<string, string | null>;
    const wire: WireRequest =
      input.kind === "files"
        ? { kind: "files", files: input.files, env }
        : { kind: "tabular", file: input.file, header: input.header, env };
    const inputCount = input.kind === "files" ? input.files.length : (input.rowCount ?? -1);
    return new Promise<MiniBatchResult>((resolve) => {
      const p: Pending = {
        request,
        wire,
        inputCount,
        timeoutMs: request.timeoutMs ?? this.deployment.timeoutSeconds * 1000,
        enqueuedAt: Date.now(),
        resolve,
      };
      if (this.closed) return resolve(failure(p, { error: "The scoring pool was shut down." }));
      const f = this.initFailure;
      if (f && Date.now() < f.until) return resolve(failure(p, { phase: "init", error: f.error, traceback: f.traceback, logs: f.logs }));
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
      const idle = [...this.workers].find((w) => w.state === "ready");
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

  private spawn(job: JobEnv): boolean {
    const d = this.deployment;
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
      command = resolveInterpreter(d.runtime, d.interpreter, deploymentEnv.PATH ?? SAFE_PATH);
    } catch (e) {
      this.onInitFailure(undefined, { error: (e as Error).message, logs: "" });
      return false;
    }
    this.lastJobEnv = job;
    let worker: ScoringWorker;
    try {
      worker = new ScoringWorker(
        {
          command,
          args: [harness, d.codeDir, d.scoringScript, d.loggingLevel],
          cwd: d.codeDir,
          env: (homeDir) => buildWorkerEnv({ homeDir, modelDir: d.modelDir, job, deploymentEnv }),
          startEnv: job as unknown as Record<string, string | null>,
          initTimeoutMs: this.opts.initTimeoutMs,
          maxLogChars: this.opts.maxLogChars,
        },
        {
          onReady: () => {
            this.initFailure = undefined;
            this.pump();
          },
          onInitFailure: (w, f) => this.onInitFailure(w, f),
          onExit: (w, reason) => {
            this.workers.delete(w);
            // A worker killed for a timeout or cancel is replaced at once, so the pool stays warm.
            if (reason === "killed" && !this.closed && this.workers.size < this.size && !this.initFailure) this.spawn(this.lastJobEnv);
            this.pump();
          },
        },
      );
    } catch (e) {
      this.onInitFailure(undefined, { error: `Could not start a scoring worker: ${(e as Error).message}`, logs: "" });
      return false;
    }
    this.workers.add(worker);
    return true;
  }

  private onInitFailure(worker: ScoringWorker | undefined, f: InitFailure): void {
    if (worker) this.workers.delete(worker);
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
      p.resolve(failure(p, { phase: "init", error: f.error, traceback: f.traceback, logs: f.logs }));
    }
  }

  private assign(worker: ScoringWorker, p: Pending): void {
    if (p.onAbort) p.request.signal?.removeEventListener("abort", p.onAbort);
    const queuedMs = Date.now() - p.enqueuedAt;
    const coldStart = worker.readyAt >= p.enqueuedAt; // it waited for this worker's init()
    this.lastJobEnv = jobEnv(p.request);
    try {
      p.request.onStart?.();
    } catch {
      /* a caller's bookkeeping must not stop the mini-batch */
    }
    worker.run(p.wire, p.timeoutMs, p.request.signal).then((outcome) => {
      this.lastActivity = Date.now();
      p.resolve(this.toResult(p, outcome, queuedMs, coldStart, worker.pid));
      // Shrink when a job asked for fewer workers than are running.
      if (worker.state === "ready" && this.workers.size > this.size) {
        this.workers.delete(worker);
        void worker.stop();
      }
      this.pump();
    });
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
      return { ...base, ok: false, phase: "run", timedOut: false, canceled: false, error: r.error ?? "run() failed.", traceback: r.traceback ?? undefined };
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
    if (o.kind === "canceled")
      return { ...base, ok: false, phase: "run", timedOut: false, canceled: true, error: "The mini-batch was canceled while run() was running; the worker was killed." };
    const error = this.closed ? "The scoring pool was shut down while run() was running." : `The worker process ended (${o.exit ?? "unknown"}) during run().`;
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
    const key = `${deployment.id}:v${deployment.version}`;
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
