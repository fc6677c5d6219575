// The lease loop: takes due queue items in batches (executor.lease_items, concurrency enforced in SQL),
// runs them, renews their leases (heartbeat), and sleeps when idle: woken at once by local enqueues,
// at the due time of work this process scheduled, and otherwise polling with a backoff up to pollMs.
import type { Db } from "./db";
import type { Lifecycle, Log, QueueItem, RunRow, Waker } from "./types";

/** First idle sleep after work; doubles up to pollMs. */
const IDLE_FIRST_MS = 50;

/** Leases up to $1 items; the last row (id NULL) says in how many ms the next cron tick is due (NULL: no crons). */
const LEASE_SQL = `WITH l AS MATERIALIZED (SELECT id, run_id, kind, step_id, attempt FROM executor.lease_items($1, $2, $3))
SELECT id, run_id, kind, step_id, attempt, NULL::float8 AS cron_in_ms FROM l
UNION ALL
SELECT NULL, NULL, NULL, NULL, NULL, (extract(epoch FROM min(next_at) - now()) * 1000)::float8 FROM executor.crons`;

export interface QueueOptions {
  db: Db;
  owner: string;
  life: Lifecycle;
  log: Log;
  leaseMs: number;
  pollMs: number;
  maxInflight: number;
  /** Loads the runs of leased call items in one statement. */
  preload(runIds: string[]): Promise<Map<string, RunRow>>;
  process(item: QueueItem, preloaded?: RunRow): Promise<void>;
  /** Told after each lease in how many ms the next cron tick is due (null: no crons). */
  onCronDue?(inMs: number | null): void;
}

export class LeaseLoop implements Waker {
  readonly inflight = new Map<number, Promise<void>>();
  readonly stats = { leases: 0, leaseMs: 0, items: 0 };
  /** Items leased since the last vacuum (housekeeping reads and resets it). */
  churn = 0;
  private wakeFn: (() => void) | null = null;
  private woken = false;
  private pollTick = false;
  private idleMs = 0;
  private wakeTimer: { at: number; t: NodeJS.Timeout } | null = null;
  private done: Promise<void> | null = null;

  constructor(private o: QueueOptions) {}

  start(): void {
    this.done = this.loop();
  }

  /** Resolves when the loop has left (after life.stopping was set and wake() called). */
  async stopped(): Promise<void> {
    this.clearWakeTimer();
    await this.done;
  }

  wake(): void {
    this.woken = true;
    const f = this.wakeFn;
    this.wakeFn = null;
    f?.();
  }

  /** Wake the loop at `at` (epoch ms), for work this process queued for later. */
  wakeAt(at: number): void {
    if (this.o.life.stopping) return;
    const now = Date.now();
    if (at <= now) return this.wake();
    if (this.wakeTimer && this.wakeTimer.at <= at) return;
    this.clearWakeTimer();
    const t = setTimeout(
      () => {
        this.wakeTimer = null;
        this.wake();
      },
      at - now + 2,
    );
    this.wakeTimer = { at, t };
  }

  clearWakeTimer(): void {
    if (this.wakeTimer) clearTimeout(this.wakeTimer.t);
    this.wakeTimer = null;
  }

  /** Resolves true when the interval elapsed, false when woken early. */
  private sleep(ms: number): Promise<boolean> {
    if (this.woken) {
      this.woken = false;
      return Promise.resolve(false);
    }
    return new Promise((resolve) => {
      const t = setTimeout(() => {
        this.wakeFn = null;
        resolve(true);
      }, ms);
      this.wakeFn = () => {
        clearTimeout(t);
        this.woken = false;
        resolve(false);
      };
    });
  }

  private async loop(): Promise<void> {
    const { life, maxInflight } = this.o;
    while (!life.stopping) {
      const free = maxInflight - this.inflight.size;
      let got = 0;
      // Free slots left unleased to batch the next lease: poll soon, as the work may be waiting.
      let held = false;
      // Lease in batches: when busy, wait until a quarter of the slots are free (or the poll tick).
      const minBatch = this.inflight.size === 0 ? 1 : Math.max(1, Math.min(32, Math.floor(maxInflight / 4)));
      if (free >= minBatch || (free > 0 && this.pollTick)) {
        this.pollTick = false;
        try {
          const want = Math.min(free, 256);
          got = await this.leaseAndRun(want);
          if (got === want) continue;
        } catch (e) {
          if (life.stopping) break;
          this.o.log(`executor: lease failed: ${(e as Error).message}`);
        }
      } else held = free > 0;
      // Nothing more to lease: back off from IDLE_FIRST_MS to pollMs. Items still in flight do not keep the
      // poll fast: their ends, local enqueues and scheduled wakes all end the sleep at once, so the poll only
      // finds work another process queued or leases that expired (a lane's 30 s step would otherwise cost
      // 600 lease statements).
      this.idleMs =
        got > 0 || held ? Math.min(IDLE_FIRST_MS, this.o.pollMs) : Math.min(this.o.pollMs, Math.max(IDLE_FIRST_MS, this.idleMs * 2));
      if (await this.sleep(this.idleMs)) this.pollTick = true;
    }
  }

  private async leaseAndRun(want: number): Promise<number> {
    const t0 = performance.now();
    // The same statement reads when the next cron tick is due (one extra row, id NULL), so the cron
    // scheduler can sleep until then and still sees other processes' changes within pollMs.
    const { rows: all } = await this.o.db.query<QueueItem & { cron_in_ms: number | null }>(LEASE_SQL, [want, this.o.owner, this.o.leaseMs]);
    const rows: QueueItem[] = [];
    for (const r of all) {
      if (r.id === null) this.o.onCronDue?.(r.cron_in_ms);
      else rows.push(r);
    }
    // Load every leased run's state in one statement instead of one per item.
    let pre = new Map<string, RunRow>();
    const callRuns = [...new Set(rows.filter((r) => r.kind === "call").map((r) => r.run_id))];
    if (callRuns.length > 1) {
      pre = await this.o.preload(callRuns).catch((e) => {
        this.o.log(`executor: preloading ${callRuns.length} runs failed, loading one by one: ${(e as Error).message}`);
        return new Map<string, RunRow>();
      });
    }
    this.churn += rows.length;
    this.stats.leases++;
    this.stats.leaseMs += performance.now() - t0;
    this.stats.items += rows.length;
    for (const item of rows) {
      if (this.o.life.stopping) break;
      // Its lease lapsed while it ran here (a heartbeat came late on a starved event loop) and this
      // process took it again: the run in flight goes on; starting it twice would repeat its step.
      if (this.inflight.has(item.id)) continue;
      const loaded = item.kind === "call" ? pre.get(item.run_id) : undefined;
      const p = this.o
        .process(item, loaded ? { ...loaded, memo: [...(loaded.memo ?? [])] } : undefined)
        .catch((e) => this.o.log(`executor: item ${item.id} (${item.kind}) error: ${(e as Error).stack ?? e}`))
        .finally(() => {
          this.inflight.delete(item.id);
          this.wake();
        });
      this.inflight.set(item.id, p);
    }
    return rows.length;
  }

  /** Renews the leases of the items this process is running. */
  async heartbeat(): Promise<void> {
    if (this.o.life.dead || this.inflight.size === 0) return;
    await this.o.db
      .query(
        "UPDATE executor.queue SET lease_until = clock_timestamp() + make_interval(secs => $3 / 1000.0) WHERE id = ANY($1) AND lease_owner = $2",
        [[...this.inflight.keys()], this.o.owner, this.o.leaseMs],
      )
      .catch((e) => this.o.log(`executor: heartbeat failed (leases may expire): ${(e as Error).message}`));
  }

  /** Hands the leases of items still running back to the queue (after draining). */
  async releaseInflight(): Promise<void> {
    if (!this.inflight.size) return;
    await this.o.db
      .query("UPDATE executor.queue SET lease_until = NULL, lease_owner = NULL WHERE id = ANY($1) AND lease_owner = $2", [
        [...this.inflight.keys()],
        this.o.owner,
      ])
      .catch((e) => this.o.log(`executor: releasing leases failed (they expire after leaseMs): ${(e as Error).message}`));
  }
}
