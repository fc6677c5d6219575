import "server-only";
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Readable, Writable } from "node:stream";
import { LogBuffer, MarkerSplitter } from "./logs";
import { treeCpuSeconds } from "./sandbox";

/** How to start one worker process. */
export interface WorkerSpec {
  command: string;
  args: string[];
  cwd: string;
  /** Builds the environment once the worker's HOME (a fresh temp dir) exists. */
  env: (homeDir: string) => Record<string, string>;
  /** The spawning job's variables, set before the script is imported (so init() sees them). */
  startEnv: Record<string, string | null>;
  initTimeoutMs: number;
  maxLogChars: number;
  /** HOME as the worker sees it (a sandbox's private one); without it a fresh host temp dir is made. */
  homeDir?: string;
  /** CPU seconds one run() may use, summed over the worker's process tree; unlimited when absent. */
  cpuLimitSeconds?: number;
  /** Called once when the process is gone (the sandbox's exchange dir and cgroup are removed). */
  onGone?: () => void;
}

/** A request as the harness reads it from fd 3 (plus an `id` the worker adds). */
export type WireRequest =
  | { kind: "files"; files: (string | Record<string, string>)[]; env: Record<string, string | null> }
  | { kind: "tabular"; file: string; header?: string; env: Record<string, string | null> }
  | { kind: "jsonl"; file: string; env: Record<string, string | null> };

interface WireResult {
  type: "result";
  id: string;
  ok: boolean;
  format?: "dataframe" | "list";
  header?: string;
  body?: string;
  count?: number;
  /** Files or rows handed to run(). */
  inputs?: number;
  error?: string;
  traceback?: string | null;
}

export type WorkerOutcome =
  | { kind: "result"; result: WireResult; logs: string; durationMs: number }
  | { kind: "timeout" | "canceled" | "crashed" | "cpu"; logs: string; durationMs: number; exit?: string };

export interface InitFailure {
  error: string;
  traceback?: string;
  logs: string;
  /** The script itself failed (import, init(), no run()): a fresh worker fails the same way. */
  deterministic?: boolean;
}

export interface WorkerHooks {
  onReady(worker: ScoringWorker): void;
  onInitFailure(worker: ScoringWorker, failure: InitFailure): void;
  onExit(worker: ScoringWorker, reason: "killed" | "exited"): void;
}

interface Active {
  id: string;
  logs: LogBuffer;
  startedAt: number;
  markers: Set<"out" | "err">;
  result?: WireResult;
  graceTimer?: NodeJS.Timeout;
  timer: NodeJS.Timeout;
  resolve: (o: WorkerOutcome) => void;
}

/** How long to wait for the end markers on stdout/stderr after the response arrived. */
const MARKER_GRACE_MS = 1000;

let nextRequestId = 1;

/**
 * One long-lived scoring process: started once, init() once, then one request at a time
 * over fd 3 (requests) and fd 4 (responses); stdout and stderr are the user's logs.
 */
export class ScoringWorker {
  state: "starting" | "ready" | "busy" | "dead" = "starting";
  served = 0;
  /** When init() finished, by performance.now() (0 while starting). */
  readyAt = 0;
  readonly homeDir: string;
  private readonly ownHome: boolean;
  private child: ChildProcess;
  private loose: LogBuffer;
  private active?: Active;
  private ready = { message: false, out: false, err: false };
  private initTimer?: NodeJS.Timeout;
  private killedOnPurpose = false;
  private exitDescription?: string;
  private initError?: { error: string; traceback?: string; deterministic: boolean };
  private exitedResolve!: () => void;
  /** Settles once the process is gone and its result (if any) was delivered. */
  readonly exited = new Promise<void>((resolve) => (this.exitedResolve = resolve));

  constructor(
    private readonly spec: WorkerSpec,
    private readonly hooks: WorkerHooks,
  ) {
    this.loose = new LogBuffer(spec.maxLogChars);
    this.ownHome = !spec.homeDir;
    this.homeDir = spec.homeDir ?? mkdtempSync(path.join(os.tmpdir(), "batchpoint-worker-home-"));
    this.child = spawn(spec.command, spec.args, {
      cwd: spec.cwd,
      env: spec.env(this.homeDir) as NodeJS.ProcessEnv, // built from scratch: see buildWorkerEnv
      stdio: ["ignore", "pipe", "pipe", "pipe", "pipe"],
      detached: true, // its own process group, so a kill reaches whatever the script started
    });
    liveWorkers.add(this);
    this.child.on("error", (err) => {
      if (!this.child.pid) {
        liveWorkers.delete(this);
        this.cleanup();
        this.exitedResolve();
      }
      this.failInit({ error: `Could not start ${spec.command}: ${err.message}.`, logs: this.loose.take() });
    });
    this.child.on("exit", (code, signal) => {
      this.exitDescription = signal ? `signal ${signal}` : `exit code ${code}`;
      this.cleanup();
      // Give the pipes a moment to deliver what the process wrote last.
      setTimeout(() => this.onExit(), 50);
    });
    this.wireOutput(this.child.stdout!, "out");
    this.wireOutput(this.child.stderr!, "err");
    this.wireResponses(this.child.stdio[4] as Readable);
    this.requests.on("error", () => {}); // the worker died; its exit is handled
    this.requests.write(JSON.stringify({ type: "start", env: spec.startEnv }) + "\n");
    this.initTimer = setTimeout(() => {
      this.failInit({
        error: `init() did not finish within ${Math.round(spec.initTimeoutMs / 1000)} s; the worker was killed.`,
        logs: this.loose.take(),
      });
    }, spec.initTimeoutMs);
  }

  private cleanedUp = false;

  /** Removes the worker's host-side leftovers: its temp HOME, or what the sandbox set up. */
  cleanup(): void {
    if (this.cleanedUp) return;
    this.cleanedUp = true;
    if (this.ownHome) removeHome(this.homeDir);
    try {
      this.spec.onGone?.();
    } catch {
      // best effort
    }
  }

  /** How the process ended ("exit code 3", "signal SIGKILL"), once it did. */
  get exit(): string | undefined {
    return this.exitDescription;
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  private get requests(): Writable {
    return this.child.stdio[3] as Writable;
  }

  private wireOutput(stream: Readable, which: "out" | "err"): void {
    stream.setEncoding("utf8");
    const splitter = new MarkerSplitter(
      (text) => (this.active && !this.active.markers.has(which) ? this.active.logs : this.loose).append(text),
      (id) => {
        if (id === "init") {
          this.ready[which] = true;
          this.maybeReady();
        } else if (this.active && this.active.id === id) {
          this.active.markers.add(which);
          this.maybeFinish();
        }
      },
    );
    stream.on("data", (chunk: string) => splitter.push(chunk));
    stream.on("end", () => splitter.flush());
  }

  private wireResponses(stream: Readable): void {
    stream.setEncoding("utf8");
    // A response can be megabytes (the mini-batch's rows): only scan new chunks for the newline.
    let parts: string[] = [];
    stream.on("data", (chunk: string) => {
      let nl: number;
      while ((nl = chunk.indexOf("\n")) !== -1) {
        const line = parts.join("") + chunk.slice(0, nl);
        parts = [];
        chunk = chunk.slice(nl + 1);
        if (line.trim()) this.onMessage(JSON.parse(line));
      }
      if (chunk) parts.push(chunk);
    });
    stream.on("error", () => {});
  }

  private onMessage(message: { type: string } & Record<string, unknown>): void {
    if (message.type === "ready") {
      this.ready.message = true;
      this.maybeReady();
      // A script that closed its stdout or stderr never delivers the init marker there.
      setTimeout(() => {
        this.ready.out = this.ready.err = true;
        this.maybeReady();
      }, MARKER_GRACE_MS).unref();
    } else if (message.type === "init_error") {
      // The harness exits right after: report when its output is in (on exit, or shortly).
      this.initError = { error: String(message.error), traceback: (message.traceback as string | null) ?? undefined, deterministic: true };
      setTimeout(() => this.failInit({ ...this.initError!, logs: this.loose.take() }), 200);
    } else if (message.type === "result" && this.active && message.id === this.active.id) {
      this.active.result = message as unknown as WireResult;
      this.active.graceTimer = setTimeout(() => this.finish(), MARKER_GRACE_MS);
      this.maybeFinish();
    }
  }

  private maybeReady(): void {
    if (this.state !== "starting" || !this.ready.message || !this.ready.out || !this.ready.err) return;
    clearTimeout(this.initTimer);
    this.state = "ready";
    this.readyAt = performance.now();
    this.hooks.onReady(this);
  }

  private failInit(failure: InitFailure): void {
    if (this.state !== "starting") return;
    clearTimeout(this.initTimer);
    this.state = "dead";
    this.kill();
    this.hooks.onInitFailure(this, failure);
  }

  /** Runs one request; resolves with its result or with why it has none. Never rejects. */
  run(request: WireRequest, timeoutMs: number, signal?: AbortSignal): Promise<WorkerOutcome> {
    if (this.state !== "ready") throw new Error(`worker ${this.pid} is ${this.state}`);
    this.state = "busy";
    this.served += 1;
    const id = `r${nextRequestId++}`;
    return new Promise<WorkerOutcome>((resolve) => {
      const logs = new LogBuffer(this.spec.maxLogChars);
      logs.append(this.loose.take()); // init() output, or what ran between requests
      let cpuWatch: NodeJS.Timeout | undefined;
      const stop = (kind: "timeout" | "canceled" | "cpu") => {
        const a = this.active;
        if (!a || a.id !== id) return;
        if (a.result) return this.finish(); // it did finish: only its log markers were late
        this.active = undefined;
        clearTimeout(a.timer);
        clearTimeout(a.graceTimer);
        clearInterval(cpuWatch);
        signal?.removeEventListener("abort", onAbort);
        this.kill();
        resolve({ kind, logs: a.logs.take(), durationMs: Date.now() - a.startedAt });
      };
      const onAbort = () => stop("canceled");
      this.active = {
        id,
        logs,
        startedAt: Date.now(),
        markers: new Set(),
        timer: setTimeout(() => stop("timeout"), timeoutMs),
        resolve: (o) => {
          signal?.removeEventListener("abort", onAbort);
          clearInterval(cpuWatch);
          resolve(o);
        },
      };
      const cpuLimit = this.spec.cpuLimitSeconds;
      if (cpuLimit && this.child.pid) {
        // CPU time of the whole tree (threads and child processes too), checked twice a second.
        const pid = this.child.pid;
        const base = treeCpuSeconds(pid);
        cpuWatch = setInterval(() => {
          if (treeCpuSeconds(pid) - base > cpuLimit) stop("cpu");
        }, 500);
        cpuWatch.unref();
      }
      signal?.addEventListener("abort", onAbort, { once: true });
      if (signal?.aborted) return stop("canceled");
      this.requests.write(JSON.stringify({ ...request, id }) + "\n");
    });
  }

  private maybeFinish(): void {
    const a = this.active;
    if (a?.result && a.markers.size === 2) this.finish();
  }

  private finish(): void {
    const a = this.active;
    if (!a?.result) return;
    this.active = undefined;
    clearTimeout(a.timer);
    clearTimeout(a.graceTimer);
    if (this.state === "busy") this.state = "ready";
    a.resolve({ kind: "result", result: a.result, logs: a.logs.take(), durationMs: Date.now() - a.startedAt });
  }

  private onExit(): void {
    liveWorkers.delete(this);
    this.exitedResolve();
    const wasStarting = this.state === "starting";
    this.state = "dead";
    clearTimeout(this.initTimer);
    if (wasStarting) {
      this.hooks.onInitFailure(this, {
        ...(this.initError ?? { error: `The worker process ended (${this.exitDescription ?? "unknown"}) before init() finished.` }),
        logs: this.loose.take(),
      });
      return;
    }
    const a = this.active;
    if (a) {
      this.active = undefined;
      clearTimeout(a.timer);
      clearTimeout(a.graceTimer);
      if (a.result) a.resolve({ kind: "result", result: a.result, logs: a.logs.take(), durationMs: Date.now() - a.startedAt });
      else a.resolve({ kind: "crashed", logs: a.logs.take(), durationMs: Date.now() - a.startedAt, exit: this.exitDescription });
    }
    this.hooks.onExit(this, this.killedOnPurpose ? "killed" : "exited");
  }

  /** SIGKILLs the worker's whole process group (the script and anything it started). */
  kill(): void {
    this.killedOnPurpose = true;
    if (this.state !== "dead" && !this.active) this.state = "dead";
    killGroup(this.child);
  }

  /** Asks the worker to exit (end of its request channel), then kills it after `graceMs`. */
  async stop(graceMs = 2000): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null && this.child.pid) {
      this.killedOnPurpose = true;
      const timer = setTimeout(() => killGroup(this.child), graceMs);
      this.child.once("exit", () => {
        clearTimeout(timer);
        killGroup(this.child); // anything the script left running in its group
      });
      this.requests.end();
    }
    await this.exited;
  }
}

function killGroup(child: ChildProcess): void {
  if (!child.pid) return;
  try {
    process.kill(-child.pid, "SIGKILL");
  } catch {
    try {
      child.kill("SIGKILL");
    } catch {
      // already gone
    }
  }
}

function removeHome(dir: string): void {
  try {
    rmSync(dir, { recursive: true, force: true });
  } catch {
    // a file the script left behind is still open: the OS temp cleaner will get it
  }
}

const liveWorkers = new Set<ScoringWorker>();
let exitHookInstalled = false;

/** Scoring processes run in their own process groups: make sure they die with the server. */
export function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once("exit", () => {
    for (const w of liveWorkers) {
      w.kill();
      w.cleanup();
    }
  });
}
