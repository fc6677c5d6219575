// Cron triggers: each due tick is claimed, its event stored and its run created in one transaction,
// so a tick fires once across executor processes. The scheduler sleeps until the next due time
// instead of polling executor.crons every second: it learns that time from its own check, from the
// lease loop's poll (which reads it in the same statement, so changes by other processes are seen
// within pollMs at no extra statement), and from this process's syncs.
import { cronNext } from "./config";
import { withTransaction, type Db } from "./db";
import type { FunctionRegistry } from "./functions";
import type { Runs } from "./runs";
import type { InngestEvent, Lifecycle, Log, Waker } from "./types";

export interface CronDeps {
  db: Db;
  fns: FunctionRegistry;
  runs: Runs;
  waker: Waker;
  life: Lifecycle;
  log: Log;
}

/**
 * Fires the due ticks. Returns in how many ms the next tick is due (null: no cron is synced), or
 * undefined when the check failed (it was logged).
 */
export async function cronTick(o: CronDeps): Promise<number | null | undefined> {
  if (o.life.dead || o.life.stopping) return undefined;
  try {
    // Every cron row (a handful: one per cron trigger), with how far each is from due on the database's clock.
    const { rows } = await o.db.query<{ function_id: string; expr: string; next_at: Date; in_ms: number }>(
      "SELECT function_id, expr, next_at, (extract(epoch FROM next_at - now()) * 1000)::float8 AS in_ms FROM executor.crons",
    );
    let nextIn: number | null = null;
    const soonest = (ms: number) => {
      nextIn = nextIn === null ? ms : Math.min(nextIn, ms);
    };
    for (const c of rows) {
      if (c.in_ms > 0) {
        soonest(c.in_ms);
        continue;
      }
      const fn = await o.fns.get(c.function_id);
      const next = cronNext(c.expr, new Date(Math.max(Date.now(), c.next_at.getTime())));
      soonest(next.getTime() - Date.now());
      // A concurrent executor re-checks next_at after the row lock and skips.
      await withTransaction(
        o.db,
        async (client) => {
          const claimed = await client.query(
            "UPDATE executor.crons SET next_at = $3 WHERE function_id = $1 AND expr = $2 AND next_at <= now() RETURNING 1",
            [c.function_id, c.expr, next],
          );
          if (!claimed.rowCount || !fn) return;
          const ts = c.next_at.getTime();
          const event: InngestEvent = { id: `cron-${c.function_id}-${ts}`, name: "inngest/scheduled.timer", data: { cron: c.expr }, ts };
          const ins = await client.query(
            "INSERT INTO executor.events (id, name, data, ts) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING RETURNING 1",
            [event.id, event.name, JSON.stringify(event.data), ts],
          );
          if (ins.rowCount) await o.runs.createRuns([{ fn, event }], client);
        },
        o.log,
      );
      o.waker.wake();
    }
    return nextIn;
  } catch (e) {
    if (!o.life.dead) o.log(`executor: cron tick failed: ${(e as Error).message}`);
    return undefined;
  }
}

/** Runs cronTick when the next tick is due, and no more often (at most recheckMs apart, and at least minGapMs). */
export class CronScheduler {
  private timer: NodeJS.Timeout | null = null;
  private at = Number.POSITIVE_INFINITY;
  private running = false;
  private again = false;
  /** Checks made (diagnostics, tests). */
  checks = 0;

  constructor(
    private o: CronDeps & {
      /** Longest sleep without a check (a fallback: the lease poll reports the next due time within pollMs). */
      recheckMs: number;
      /** After a failed check, retry after this long. */
      retryMs: number;
    },
  ) {}

  start(): void {
    void this.check();
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  /** executor.crons may have changed (a sync in this process): check now. */
  changed(): void {
    void this.check();
  }

  /** The next tick is due in `inMs` (read by another statement, e.g. the lease poll); null: no crons. */
  observe(inMs: number | null): void {
    if (inMs !== null) this.plan(inMs);
  }

  private plan(inMs: number): void {
    if (this.o.life.stopping || this.o.life.dead) return;
    // A few ms past due, so the database's now() has passed next_at when the check runs.
    const at = Date.now() + Math.min(Math.max(0, inMs) + 5, this.o.recheckMs);
    if (this.timer && this.at <= at) return; // an earlier check is planned; it plans the next one
    if (this.timer) clearTimeout(this.timer);
    this.at = at;
    this.timer = setTimeout(
      () => {
        this.timer = null;
        this.at = Number.POSITIVE_INFINITY;
        void this.check();
      },
      Math.max(0, at - Date.now()),
    );
  }

  private async check(): Promise<void> {
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = true;
    try {
      do {
        this.again = false;
        this.checks++;
        const next = await cronTick(this.o);
        if (next === undefined) this.plan(this.o.retryMs);
        else this.plan(next ?? this.o.recheckMs);
      } while (this.again && !this.o.life.stopping);
    } finally {
      this.running = false;
    }
  }
}
