// The engine: wiring and lifecycle. The parts: functions.ts (sync), ingest.ts (events), runs.ts
// (run and step state), ops/ (one handler per op code, driven over driver.ts), items.ts (queue item
// kinds), queue.ts (lease loop, heartbeat), cron.ts, housekeeping.ts.
import type { FnDef } from "./config";
import type { Db } from "./db";
import { createHttpDriver, type SdkDriver } from "./driver";
import { CronScheduler } from "./cron";
import { FunctionRegistry } from "./functions";
import { Housekeeping } from "./housekeeping";
import { Ingest } from "./ingest";
import { processItem, type ItemDeps } from "./items";
import { LeaseLoop } from "./queue";
import { Runs } from "./runs";
import type { Lifecycle, Log } from "./types";
import { ulid } from "./util";

export { HttpError } from "./types";

/**
 * Longest sleep of the cron scheduler without reading executor.crons itself. The lease poll reports the
 * next due time every pollMs while it polls; this only matters while every slot is busy and it does not.
 */
const CRON_RECHECK_MS = 60_000;
export type { InngestEvent } from "./types";

export interface EngineOptions {
  db: Db;
  signingKey?: string;
  log: Log;
  leaseMs: number;
  /** Longest idle poll interval: work enqueued by another process is picked up within it. */
  pollMs: number;
  maxInflight: number;
  retryBaseMs: number;
  retryMaxMs: number;
  drainMs: number;
  /** Finished runs (with their steps and attempts) older than this are deleted; 0 keeps them forever. */
  runRetentionMs: number;
  /** The SDK transport; default: HTTP, signed with signingKey. */
  driver?: SdkDriver;
}

export class Engine {
  readonly owner = ulid();
  readonly driver: SdkDriver;
  private readonly life: Lifecycle = { stopping: false, dead: false };
  private readonly functions: FunctionRegistry;
  private readonly runs: Runs;
  private readonly events: Ingest;
  private readonly queue: LeaseLoop;
  private readonly housekeeping: Housekeeping;
  private readonly cron: CronScheduler;
  private timers: NodeJS.Timeout[] = [];

  constructor(private o: EngineOptions) {
    const { db, log } = o;
    const life = this.life;
    this.driver = o.driver ?? createHttpDriver({ signingKey: o.signingKey });
    this.functions = new FunctionRegistry({ db, signingKey: o.signingKey, log });
    // The queue needs the item processor and the processor needs the queue's waker: bind late.
    let deps!: ItemDeps;
    this.queue = new LeaseLoop({
      db,
      owner: this.owner,
      life,
      log,
      leaseMs: o.leaseMs,
      pollMs: o.pollMs,
      maxInflight: o.maxInflight,
      preload: (ids) => this.runs.loadRunsForCall(ids),
      process: (item, preloaded) => processItem(deps, item, preloaded),
      onCronDue: (inMs) => this.cron.observe(inMs),
    });
    this.runs = new Runs({ db, fns: this.functions, waker: this.queue, life, log, retryBaseMs: o.retryBaseMs, retryMaxMs: o.retryMaxMs });
    this.events = new Ingest({ db, fns: this.functions, runs: this.runs, waker: this.queue, log });
    this.housekeeping = new Housekeeping({ db, life, log, runRetentionMs: o.runRetentionMs });
    this.cron = new CronScheduler({
      db,
      fns: this.functions,
      runs: this.runs,
      waker: this.queue,
      life,
      log,
      recheckMs: CRON_RECHECK_MS,
      retryMs: Math.max(1000, o.pollMs),
    });
    deps = {
      store: this.runs,
      runs: this.runs,
      ingest: this.events,
      driver: this.driver,
      getFn: (id) => this.functions.get(id),
      life,
      log,
      wakeAt: (at) => this.queue.wakeAt(at),
    };
  }

  get fns(): Map<string, FnDef> {
    return this.functions.fns;
  }

  get stats() {
    return { ...this.queue.stats, cronChecks: this.cron.checks };
  }

  async start(): Promise<void> {
    await this.functions.load();
    this.queue.start();
    this.timers.push(setInterval(() => void this.queue.heartbeat(), Math.max(200, Math.floor(this.o.leaseMs / 3))));
    this.timers.push(setInterval(() => void this.runs.flushAttempts(), 250));
    this.timers.push(setInterval(() => void this.housekeeping.run(), 60_000));
    this.timers.push(
      setInterval(() => {
        void this.housekeeping.vacuumIfChurned(this.queue.churn).then((ran) => {
          if (ran) this.queue.churn = 0;
        });
      }, 2000),
    );
    this.cron.start();
  }

  /** Graceful: stop taking work, let in-flight calls finish (up to drainMs), release what is left. */
  async stop(): Promise<void> {
    if (this.life.stopping) return;
    this.life.stopping = true;
    this.queue.wake();
    await this.queue.stopped();
    const deadline = new Promise((r) => setTimeout(r, this.o.drainMs).unref());
    await Promise.race([Promise.allSettled([...this.queue.inflight.values()]), deadline]);
    for (const t of this.timers) clearInterval(t);
    this.cron.stop();
    await this.queue.releaseInflight();
    await this.runs.flushAttempts();
    this.life.dead = true;
  }

  /** Crash simulation for tests: stop everything now, leave leases to expire. */
  abort(): void {
    this.life.stopping = true;
    this.life.dead = true;
    for (const t of this.timers) clearInterval(t);
    this.cron.stop();
    this.queue.clearWakeTimer();
    this.queue.wake();
  }

  wake(): void {
    this.queue.wake();
  }

  async register(body: Record<string, unknown>, authorization: string | undefined) {
    const res = await this.functions.register(body, authorization);
    if (res.status === 200) this.cron.changed(); // its crons may be new, or gone
    return res;
  }

  ingest(raw: unknown, opts: { internal?: boolean } = {}): Promise<string[]> {
    return this.events.ingest(raw, opts);
  }

  cancelRun(runId: string, reason: string): Promise<boolean> {
    return this.runs.cancelRun(runId, reason);
  }

  flushAttempts(): Promise<void> {
    return this.runs.flushAttempts();
  }

  pruneHistory(): Promise<number> {
    return this.housekeeping.pruneHistory();
  }
}
