// Runs and their steps in PostgreSQL: creating runs, settling steps, finishing runs, retries, and the
// attempts log. Every method is one statement (or one transaction) against the `executor` schema.
import type pg from "pg";
import { LIMITS, type FnDef } from "./config";
import { withTransaction, type Db, type Queryable } from "./db";
import type { FunctionRegistry } from "./functions";
import {
  dedupeBy,
  errObj,
  type FinalStatus,
  type FinishStepResult,
  type InngestEvent,
  type Lifecycle,
  type Log,
  type QueueItem,
  type RunRow,
  type Waker,
} from "./types";
import { byteLength, exprKey, ulid } from "./util";

export interface RunSpec {
  fn: FnDef;
  event: InngestEvent;
  parentRunId?: string;
  parentStepId?: string;
}

export interface FinishStepOptions {
  runId: string;
  stepId: string;
  /** Display name, recorded when the step row is new. */
  name?: string | null;
  op: string;
  result: { data?: unknown; error?: unknown };
  /** The queue item that ran (or timed) the step; null when an event or a child run settled it. */
  item?: QueueItem | null;
  /** Keep `item` as the run's next discovery call rather than deleting it. */
  keepItem?: boolean;
  attempts?: number;
}

export interface AttemptRecord {
  runId: string;
  stepId: string | null;
  stepName: string | null;
  attempt: number;
  startedAt: Date;
  ms: number;
  outcome: "ok" | "error" | "failed" | "discovered" | "completed";
  error?: unknown;
}

/** What a call's ops add to a run in one statement: steps, waits and queue rows (and child runs). */
export interface Plan {
  steps: { id: string; name: string; op: string; status: string }[];
  queue: { kind: QueueItem["kind"]; step_id: string; run_at: string; ckeys?: boolean }[];
  waits: { step_id: string; event_name: string; expr: string | null; expires_at: string }[];
  children: RunSpec[];
}

export class Runs {
  private attemptBuf: AttemptRecord[] = [];
  private listenersCache: { fns: Map<string, FnDef>; value: boolean } | null = null;
  private finishedWaits = { at: 0, value: false };

  constructor(
    private o: {
      db: Db;
      fns: FunctionRegistry;
      waker: Waker;
      life: Lifecycle;
      log: Log;
      retryBaseMs: number;
      retryMaxMs: number;
    },
  ) {}

  private get db() {
    return this.o.db;
  }

  /** Create runs (respecting idempotency) with their first queue item. Returns the new run ids per spec (null if skipped). */
  async createRuns(specs: RunSpec[], client: Queryable = this.db): Promise<(string | null)[]> {
    const now = Date.now();
    const items = specs.map((s) => {
      const ctx = { event: s.event };
      const ckeys: string[] = [];
      const climits: number[] = [];
      for (const c of s.fn.concurrency) {
        const k = c.key ? exprKey(c.key, ctx) : "";
        ckeys.push(c.scope === "fn" ? `f:${s.fn.id}:${k}` : `e:${c.key ?? ""}:${k}`);
        climits.push(c.limit);
      }
      return {
        id: ulid(now),
        function_id: s.fn.id,
        event_id: s.event.id,
        event: s.event,
        ckeys: ckeys.length ? ckeys : null,
        climits: climits.length ? climits : null,
        parent_run_id: s.parentRunId ?? null,
        parent_step_id: s.parentStepId ?? null,
        start_deadline: s.fn.timeouts.startMs !== undefined ? new Date(now + s.fn.timeouts.startMs).toISOString() : null,
        state_bytes: byteLength(s.event),
        idem: s.fn.idempotency ? exprKey(s.fn.idempotency, ctx) : "",
      };
    });
    let keep = items;
    const idem = items.filter((i) => i.idem);
    if (idem.length) {
      const { rows } = await client.query<{ run_id: string }>(
        `INSERT INTO executor.idempotency AS i (function_id, key, run_id)
         SELECT function_id, key, run_id FROM jsonb_to_recordset($1::jsonb) AS x(function_id text, key text, run_id text)
         ON CONFLICT (function_id, key) DO UPDATE SET run_id = EXCLUDED.run_id, created_at = now()
           WHERE i.created_at < now() - make_interval(secs => $2 / 1000.0)
         RETURNING run_id`,
        [
          JSON.stringify(
            dedupeBy(idem, (i) => `${i.function_id}\u0000${i.idem}`).map((i) => ({
              function_id: i.function_id,
              key: i.idem,
              run_id: i.id,
            })),
          ),
          LIMITS.idempotencyMs,
        ],
      );
      const ok = new Set(rows.map((r) => r.run_id));
      keep = items.filter((i) => !i.idem || ok.has(i.id));
    }
    if (keep.length) {
      await client.query(
        `WITH input AS (
           SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(id text, function_id text, event_id text, event jsonb, ckeys text[],
             climits int[], parent_run_id text, parent_step_id text, start_deadline timestamptz, state_bytes bigint)
         ), r AS (
           INSERT INTO executor.runs (id, function_id, status, event_id, event, ckeys, climits, parent_run_id, parent_step_id, start_deadline, state_bytes)
           SELECT id, function_id, 'Queued', event_id, event, ckeys, climits, parent_run_id, parent_step_id, start_deadline, state_bytes FROM input
           RETURNING id, ckeys, climits
         )
         INSERT INTO executor.queue (run_id, kind, ckeys, climits) SELECT id, 'call', ckeys, climits FROM r`,
        [JSON.stringify(keep.map(({ idem: _idem, ...rest }) => rest))],
      );
      // Inside a caller's transaction the caller wakes the loop after its commit.
      if (client === this.db) this.o.waker.wake();
    }
    const kept = new Set(keep.map((k) => k.id));
    return items.map((i) => (kept.has(i.id) ? i.id : null));
  }

  async cancelRun(runId: string, reason: string): Promise<boolean> {
    const run = await this.loadRunMeta(runId);
    if (!run) return false;
    return this.finishRun(run, "Cancelled", null, errObj("FunctionCancelled", reason));
  }

  async loadRunMeta(runId: string): Promise<RunRow | undefined> {
    const { rows } = await this.db.query<RunRow>(
      "SELECT id, function_id, status, event, output, error, parent_run_id, parent_step_id, state_bytes FROM executor.runs WHERE id = $1",
      [runId],
    );
    return rows[0];
  }

  private finishedListeners(): boolean {
    const fns = this.o.fns.fns;
    if (this.listenersCache?.fns === fns) return this.listenersCache.value;
    let value = false;
    for (const fn of fns.values()) {
      if (fn.triggers.some((t) => "event" in t && (t.event === "inngest/function.finished" || t.event === "inngest/*"))) value = true;
      if (fn.cancel.some((c) => c.event === "inngest/function.finished")) value = true;
    }
    this.listenersCache = { fns, value };
    return value;
  }

  /** Is any run waiting (step.waitForEvent) for inngest/function.finished? Checked at most once a second. */
  private async finishedWaiters(): Promise<boolean> {
    if (Date.now() - this.finishedWaits.at < 1000) return this.finishedWaits.value;
    const { rowCount } = await this.db.query("SELECT 1 FROM executor.waits WHERE event_name = 'inngest/function.finished' LIMIT 1");
    this.finishedWaits = { at: Date.now(), value: Boolean(rowCount) };
    return this.finishedWaits.value;
  }

  async finishRun(run: RunRow, status: FinalStatus, output: unknown, error: unknown): Promise<boolean> {
    const outbox = status !== "Completed" || Boolean(run.parent_run_id) || this.finishedListeners() || (await this.finishedWaiters());
    const { rows } = await this.db.query<{ ok: boolean }>("SELECT executor.finish_run($1, $2, $3, $4, $5) AS ok", [
      run.id,
      status,
      output === undefined ? null : JSON.stringify(output),
      error === undefined || error === null ? null : JSON.stringify(error),
      outbox,
    ]);
    const ok = Boolean(rows[0]?.ok);
    if (ok) {
      if (status !== "Completed")
        this.o.log(`executor: run ${run.id} (${run.function_id}) ${status}: ${(error as { message?: string })?.message ?? ""}`);
      if (outbox) this.o.waker.wake();
    }
    return ok;
  }

  /** Record a settled step; queue the run's next discovery call when nothing else is pending. */
  async finishStep(s: FinishStepOptions): Promise<FinishStepResult> {
    const isErr = s.result.error !== undefined;
    const bytes = byteLength(isErr ? s.result.error : s.result.data);
    const { rows } = await this.db.query<{ r: FinishStepResult }>(
      "SELECT executor.finish_step($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) AS r",
      [
        s.runId,
        s.stepId,
        s.name ?? null,
        s.op,
        isErr ? null : JSON.stringify(s.result.data ?? null),
        isErr ? JSON.stringify(s.result.error) : null,
        isErr ? "failed" : "completed",
        bytes,
        s.item?.id ?? null,
        s.keepItem ?? false,
        s.attempts ?? 0,
      ],
    );
    const r = rows[0]?.r ?? "gone";
    if (r === "enqueued") this.o.waker.wake();
    return r;
  }

  async deleteWait(runId: string, stepId: string): Promise<void> {
    await this.db.query("DELETE FROM executor.waits WHERE run_id = $1 AND step_id = $2", [runId, stepId]);
  }

  async deleteItem(item: QueueItem): Promise<void> {
    await this.db.query("DELETE FROM executor.queue WHERE id = $1", [item.id]);
  }

  /** Hand an item back to the queue (draining): the next executor takes it at once. */
  async releaseItem(item: QueueItem): Promise<void> {
    await this.db.query("UPDATE executor.queue SET lease_until = NULL, lease_owner = NULL WHERE id = $1", [item.id]);
  }

  async loadRunForCall(runId: string): Promise<RunRow | undefined> {
    return (await this.loadRunsForCall([runId])).get(runId);
  }

  /** Load runs with their memoized steps (one statement for a whole leased batch); marks them started and arms timeouts.finish. */
  async loadRunsForCall(runIds: string[]): Promise<Map<string, RunRow>> {
    const { rows } = await this.db.query<RunRow>(
      `WITH u AS (
         UPDATE executor.runs SET status = 'Running', started_at = now()
         WHERE id = ANY($1) AND status = 'Queued' AND (start_deadline IS NULL OR start_deadline >= now())
         RETURNING id, function_id
       ), t AS (
         INSERT INTO executor.queue (run_id, kind, run_at)
         SELECT u.id, 'timeout-finish', now() + make_interval(secs => (f.config->'timeouts'->>'finishMs')::double precision / 1000.0)
         FROM u JOIN executor.functions f ON f.id = u.function_id WHERE f.config->'timeouts'->>'finishMs' IS NOT NULL
       )
       SELECT r.id, r.function_id, r.status, r.event, r.output, r.error, r.parent_run_id, r.parent_step_id, r.state_bytes,
         (r.id IN (SELECT id FROM u)) AS just_started, st.step_count, st.memo
       FROM executor.runs r,
         LATERAL (SELECT count(*)::int AS step_count,
             coalesce(json_agg(json_build_object('id', s.id, 'data', s.data, 'error', s.error, 'status', s.status) ORDER BY s.seq)
               FILTER (WHERE s.seq IS NOT NULL), '[]'::json) AS memo
           FROM executor.steps s WHERE s.run_id = r.id) st
       WHERE r.id = ANY($1)`,
      [runIds],
    );
    const out = new Map<string, RunRow>();
    for (const run of rows) {
      if (run.just_started) run.status = "Running";
      out.set(run.id, run);
    }
    return out;
  }

  /** Backoff before the next attempt: Retry-After when the SDK gave one, else base * 2^attempt ±20 %, capped. */
  backoff(attempt: number, retryAfter: string | null): number {
    if (retryAfter) {
      if (/^\d+$/.test(retryAfter.trim())) return Number(retryAfter) * 1000;
      const t = Date.parse(retryAfter);
      if (!Number.isNaN(t)) return Math.max(0, t - Date.now());
    }
    const base = Math.min(this.o.retryBaseMs * 2 ** attempt, this.o.retryMaxMs);
    return Math.round(base * (0.8 + Math.random() * 0.4));
  }

  async retryItem(item: QueueItem, stepId: string | null, delayMs: number, stepName?: string | null): Promise<void> {
    await this.db.query(
      `WITH s AS (
         INSERT INTO executor.steps (run_id, id, name, op, status, attempts) SELECT $2, $3, $6, 'StepRun', 'retrying', $4 WHERE $3::text IS NOT NULL
         ON CONFLICT (run_id, id) DO UPDATE SET status = 'retrying', attempts = EXCLUDED.attempts WHERE executor.steps.seq IS NULL
       )
       UPDATE executor.queue SET step_id = $3, attempt = $4, run_at = clock_timestamp() + make_interval(secs => $5 / 1000.0),
         lease_until = NULL, lease_owner = NULL WHERE id = $1`,
      [item.id, item.run_id, stepId, item.attempt + 1, delayMs, stepName ?? null],
    );
    this.o.waker.wakeAt(Date.now() + delayMs);
  }

  /** Which of these step ids the run already has (ops reported again on replay are not planned twice). */
  async knownStepIds(runId: string, ids: string[]): Promise<Set<string>> {
    const { rows } = await this.db.query<{ id: string }>("SELECT id FROM executor.steps WHERE run_id = $1 AND id = ANY($2)", [runId, ids]);
    return new Set(rows.map((k) => k.id));
  }

  /** Write a call's plan and drop the call's queue item, in one statement; with child runs, in one transaction. */
  async applyPlan(runId: string, item: QueueItem, plan: Plan): Promise<void> {
    const write = (db: Queryable) =>
      db.query(
        `WITH s AS (
           INSERT INTO executor.steps (run_id, id, name, op, status)
           SELECT $1, id, name, op, status FROM jsonb_to_recordset($2::jsonb) AS x(id text, name text, op text, status text)
           ON CONFLICT DO NOTHING
         ), w AS (
           INSERT INTO executor.waits (run_id, step_id, event_name, expr, expires_at)
           SELECT $1, step_id, event_name, expr, expires_at FROM jsonb_to_recordset($3::jsonb) AS x(step_id text, event_name text, expr text, expires_at timestamptz)
         ), q AS (
           INSERT INTO executor.queue (run_id, kind, step_id, run_at, ckeys, climits)
           SELECT $1, x.kind, x.step_id, x.run_at, CASE WHEN x.ckeys THEN r.ckeys END, CASE WHEN x.ckeys THEN r.climits END
           FROM jsonb_to_recordset($4::jsonb) AS x(kind text, step_id text, run_at timestamptz, ckeys boolean)
           JOIN executor.runs r ON r.id = $1
         )
         DELETE FROM executor.queue WHERE id = $5`,
        [runId, JSON.stringify(plan.steps), JSON.stringify(plan.waits), JSON.stringify(plan.queue), item.id],
      );
    if (plan.children.length) {
      await withTransaction(
        this.db,
        async (client: pg.PoolClient) => {
          await write(client);
          await this.createRuns(plan.children, client);
        },
        this.o.log,
      );
      this.o.waker.wake();
    } else {
      await write(this.db);
    }
    for (const r of plan.queue) this.o.waker.wakeAt(Date.parse(r.run_at));
  }

  recordAttempt(a: AttemptRecord): void {
    this.attemptBuf.push(a);
  }

  /** Writes the buffered attempts in one statement (every 250 ms, and before the runs API reads them). */
  async flushAttempts(): Promise<void> {
    if (this.attemptBuf.length === 0 || this.o.life.dead) return;
    const rows = this.attemptBuf;
    this.attemptBuf = [];
    const json = JSON.stringify(
      rows.map((a) => ({
        run_id: a.runId,
        step_id: a.stepId,
        step_name: a.stepName,
        attempt: a.attempt,
        started_at: a.startedAt.toISOString(),
        duration_ms: a.ms,
        outcome: a.outcome,
        error: a.error === undefined ? null : JSON.stringify(a.error),
      })),
    );
    await this.db
      .query(
        `INSERT INTO executor.attempts (run_id, step_id, step_name, attempt, started_at, duration_ms, outcome, error)
         SELECT run_id, step_id, step_name, attempt, started_at, duration_ms, outcome, error::jsonb FROM jsonb_to_recordset($1::jsonb)
           AS x(run_id text, step_id text, step_name text, attempt int, started_at timestamptz, duration_ms double precision, outcome text, error text)`,
        [json],
      )
      .catch((e) => this.o.log(`executor: attempts flush failed: ${(e as Error).message}`));
  }
}
