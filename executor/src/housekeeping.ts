// Housekeeping: VACUUM of the hot tables (PGlite runs no autovacuum), run-history retention, and
// pruning of old events and idempotency keys.
import { LIMITS } from "./config";
import type { Db } from "./db";
import type { Lifecycle, Log } from "./types";

export class Housekeeping {
  constructor(private o: { db: Db; life: Lifecycle; log: Log; runRetentionMs: number }) {}

  /**
   * The queue is a hot, high-churn table. PGlite runs no autovacuum, so dead tuples pile up and every
   * lease scan slows down; vacuum it (and the other hot tables) after enough churn. Cheap on PostgreSQL too.
   */
  async vacuumIfChurned(churn: number): Promise<boolean> {
    if (this.o.life.dead || churn < 2000) return false;
    for (const t of ["queue", "steps", "runs", "waits"]) {
      await this.o.db
        .query(`VACUUM ANALYZE executor.${t}`)
        .catch((e) => this.o.log(`executor: vacuum ${t} failed: ${(e as Error).message}`));
    }
    return true;
  }

  /**
   * Deletes finished runs created more than runRetentionMs ago, with their steps and attempts, in
   * batches. Runs still queued, running, sleeping or waiting are never touched. Returns the count.
   */
  async pruneHistory(batch = 5000, maxBatches = 20): Promise<number> {
    if (this.o.life.dead || this.o.runRetentionMs <= 0) return 0;
    let total = 0;
    for (let i = 0; i < maxBatches; i++) {
      const { rowCount } = await this.o.db.query(
        `WITH old AS (
           SELECT id FROM executor.runs
           WHERE status IN ('Completed', 'Failed', 'Cancelled') AND created_at < now() - make_interval(secs => $1 / 1000.0)
           LIMIT $2
         ), s AS (DELETE FROM executor.steps WHERE run_id IN (SELECT id FROM old)),
         a AS (DELETE FROM executor.attempts WHERE run_id IN (SELECT id FROM old))
         DELETE FROM executor.runs WHERE id IN (SELECT id FROM old)`,
        [this.o.runRetentionMs, batch],
      );
      total += rowCount ?? 0;
      if ((rowCount ?? 0) < batch) break;
    }
    return total;
  }

  async run(): Promise<void> {
    if (this.o.life.dead) return;
    const { db, log } = this.o;
    await this.pruneHistory().catch((e) => log(`executor: pruning run history failed: ${(e as Error).message}`));
    await db
      .query("DELETE FROM executor.events WHERE received_at < now() - make_interval(secs => $1 / 1000.0)", [LIMITS.eventDedupeMs * 7])
      .catch((e) => log(`executor: pruning events failed: ${(e as Error).message}`));
    await db
      .query("DELETE FROM executor.idempotency WHERE created_at < now() - make_interval(secs => $1 / 1000.0)", [LIMITS.idempotencyMs])
      .catch((e) => log(`executor: pruning idempotency keys failed: ${(e as Error).message}`));
  }
}
