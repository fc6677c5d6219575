import http from "node:http";
import https from "node:https";
import type { QueryResultRow } from "pg";
import type { Db } from "./db";
import { LIMITS, cronNext, parseFunctionConfig, SyncError, type FnDef } from "./config";
import { byteLength, canonicalize, exprKey, exprTrue, hashSigningKey, parseDuration, signBody, sleepUntil, ulid, verifySignature } from "./util";

export interface EngineOptions {
  db: Db;
  signingKey?: string;
  log: (line: string) => void;
  leaseMs: number;
  /** Longest idle poll interval: work enqueued by another process is picked up within it (without LISTEN/NOTIFY). */
  pollMs: number;
  maxInflight: number;
  retryBaseMs: number;
  retryMaxMs: number;
  drainMs: number;
  /** Finished runs (with their steps and attempts) older than this are deleted; 0 keeps them forever. */
  runRetentionMs: number;
}

export interface InngestEvent {
  id: string;
  name: string;
  data: Record<string, unknown>;
  ts: number;
  user?: Record<string, unknown>;
  v?: string;
}

interface QueueItem {
  id: number;
  run_id: string;
  kind: string;
  step_id: string | null;
  attempt: number;
}

interface RunRow {
  id: string;
  function_id: string;
  status: string;
  event: InngestEvent;
  output: unknown;
  error: unknown;
  parent_run_id: string | null;
  parent_step_id: string | null;
  state_bytes: number;
  just_started?: number;
  step_count?: number;
  memo?: { id: string; data?: unknown; error?: unknown; status: string }[];
}

interface Op {
  id: string;
  op: string;
  name?: string;
  displayName?: string;
  data?: unknown;
  error?: unknown;
  opts?: Record<string, unknown>;
}

export class HttpError extends Error {
  constructor(public status: number, message: string) {
    super(message);
  }
}

const TERMINAL = new Set(["Completed", "Failed", "Cancelled"]);
/** First idle sleep after work; doubles up to pollMs. */
const IDLE_FIRST_MS = 50;
const RESULT_OPS = new Set(["StepRun", "StepError", "StepFailed"]);

function errObj(name: string, message: string): { name: string; message: string } {
  return { name, message };
}

export class Engine {
  readonly owner = ulid();
  fns = new Map<string, FnDef>();
  private inflight = new Map<number, Promise<void>>();
  private stopping = false;
  private dead = false;
  private wakeFn: (() => void) | null = null;
  private woken = false;
  private loopDone: Promise<void> | null = null;
  private timers: NodeJS.Timeout[] = [];
  private attemptBuf: unknown[][] = [];
  private fnsLoadedAt = 0;
  /** Current idle sleep: grows from IDLE_FIRST_MS to pollMs while leases come back empty. */
  private idleMs = 0;
  /** The earliest local wake scheduled for future work (a retry, a sleep, a timeout). */
  private wakeTimer: { at: number; t: NodeJS.Timeout } | null = null;

  constructor(private o: EngineOptions) {}

  private get db() {
    return this.o.db;
  }

  /**
   * Hot-path queries. Deliberately NOT named prepared statements: pglite-socket multiplexes every
   * connection onto one PGlite session, where a second connection preparing the same name fails.
   */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  private q<T extends QueryResultRow = any>(_name: string, text: string, values: unknown[]) {
    return this.db.query<T>(text, values);
  }

  // ---------------------------------------------------------------- lifecycle

  async start(): Promise<void> {
    await this.loadFunctions();
    this.loopDone = this.loop();
    this.timers.push(setInterval(() => void this.heartbeat(), Math.max(200, Math.floor(this.o.leaseMs / 3))));
    this.timers.push(setInterval(() => void this.cronTick(), 1000));
    this.timers.push(setInterval(() => void this.flushAttempts(), 250));
    this.timers.push(setInterval(() => void this.housekeeping(), 60_000));
    this.timers.push(setInterval(() => void this.vacuum(), 2000));
    void this.cronTick();
  }

  /** Graceful: stop taking work, let in-flight calls finish (up to drainMs), release what is left. */
  async stop(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    this.wake();
    await this.loopDone;
    const deadline = new Promise((r) => setTimeout(r, this.o.drainMs).unref());
    await Promise.race([Promise.allSettled([...this.inflight.values()]), deadline]);
    for (const t of this.timers) clearInterval(t);
    this.clearWakeTimer();
    if (this.inflight.size) {
      await this.db
        .query("UPDATE executor.queue SET lease_until = NULL, lease_owner = NULL WHERE id = ANY($1) AND lease_owner = $2", [
          [...this.inflight.keys()],
          this.owner,
        ])
        .catch(() => {});
    }
    await this.flushAttempts();
    this.dead = true;
  }

  /** Crash simulation for tests: stop everything now, leave leases to expire. */
  abort(): void {
    this.stopping = true;
    this.dead = true;
    for (const t of this.timers) clearInterval(t);
    this.clearWakeTimer();
    this.wake();
  }

  private clearWakeTimer(): void {
    if (this.wakeTimer) clearTimeout(this.wakeTimer.t);
    this.wakeTimer = null;
  }

  /** Wake the lease loop at `at` (epoch ms), for work this process queued for later. */
  wakeAt(at: number): void {
    if (this.stopping) return;
    const now = Date.now();
    if (at <= now) return this.wake();
    if (this.wakeTimer && this.wakeTimer.at <= at) return;
    this.clearWakeTimer();
    const t = setTimeout(() => {
      this.wakeTimer = null;
      this.wake();
    }, at - now + 2);
    this.wakeTimer = { at, t };
  }

  wake(): void {
    this.woken = true;
    const f = this.wakeFn;
    this.wakeFn = null;
    f?.();
  }

  /** Resolves true when the poll interval elapsed, false when woken early. */
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
    while (!this.stopping) {
      const free = this.o.maxInflight - this.inflight.size;
      let got = 0;
      // Lease in batches: when busy, wait until a quarter of the slots are free (or the poll tick).
      const minBatch = this.inflight.size === 0 ? 1 : Math.max(1, Math.min(32, Math.floor(this.o.maxInflight / 4)));
      if (free >= minBatch || (free > 0 && this.pollTick)) {
        this.pollTick = false;
        try {
          const want = Math.min(free, 256);
          const lt0 = performance.now();
          const { rows } = await this.q<QueueItem>("lease", "SELECT id, run_id, kind, step_id, attempt FROM executor.lease_items($1, $2, $3)", [
            want,
            this.owner,
            this.o.leaseMs,
          ]);
          got = rows.length;
          // Load every leased run's state in one statement instead of one per item.
          let pre = new Map<string, RunRow>();
          const callRuns = [...new Set(rows.filter((r) => r.kind === "call").map((r) => r.run_id))];
          if (callRuns.length > 1) pre = await this.loadRunsForCall(callRuns).catch(() => new Map<string, RunRow>());
          this.churn += got;
          this.stats.leases++;
          this.stats.leaseMs += performance.now() - lt0;
          this.stats.items += got;
          for (const item of rows) {
            if (this.stopping) break;
            const loaded = item.kind === "call" ? pre.get(item.run_id) : undefined;
            const p = this.process(item, loaded ? { ...loaded, memo: [...(loaded.memo ?? [])] } : undefined)
              .catch((e) => this.o.log(`executor: item ${item.id} (${item.kind}) error: ${(e as Error).stack ?? e}`))
              .finally(() => {
                this.inflight.delete(item.id);
                this.wake();
              });
            this.inflight.set(item.id, p);
          }
          if (got > 0) this.idleMs = 0;
          if (got === want) continue;
        } catch (e) {
          if (this.stopping) break;
          this.o.log(`executor: lease failed: ${(e as Error).message}`);
        }
      }
      // Idle: back off from IDLE_FIRST_MS to pollMs; local enqueues, scheduled wakes and NOTIFY wake us early.
      this.idleMs = this.inflight.size > 0 || got > 0 ? Math.min(IDLE_FIRST_MS, this.o.pollMs) : Math.min(this.o.pollMs, Math.max(IDLE_FIRST_MS, this.idleMs * 2));
      const slept = await this.sleep(this.idleMs);
      if (slept) this.pollTick = true;
    }
  }
  private pollTick = false;
  readonly stats = { leases: 0, leaseMs: 0, items: 0 };

  private async heartbeat(): Promise<void> {
    if (this.dead || this.inflight.size === 0) return;
    await this.db
      .query(
        "UPDATE executor.queue SET lease_until = clock_timestamp() + make_interval(secs => $3 / 1000.0) WHERE id = ANY($1) AND lease_owner = $2",
        [[...this.inflight.keys()], this.owner, this.o.leaseMs],
      )
      .catch(() => {});
  }

  private churn = 0;
  /**
   * The queue is a hot, high-churn table. PGlite runs no autovacuum, so dead tuples pile up and every
   * lease scan slows down; vacuum it (and the other hot tables) after enough churn. Cheap on PostgreSQL too.
   */
  private async vacuum(): Promise<void> {
    if (this.dead || this.churn < 2000) return;
    this.churn = 0;
    for (const t of ["queue", "steps", "runs", "waits"]) {
      await this.db.query(`VACUUM ANALYZE executor.${t}`).catch((e) => this.o.log(`executor: vacuum ${t} failed: ${(e as Error).message}`));
    }
  }

  /**
   * Deletes finished runs created more than runRetentionMs ago, with their steps and attempts, in
   * batches. Runs still queued, running, sleeping or waiting are never touched. Returns the count.
   */
  async pruneHistory(batch = 5000, maxBatches = 20): Promise<number> {
    if (this.dead || this.o.runRetentionMs <= 0) return 0;
    let total = 0;
    for (let i = 0; i < maxBatches; i++) {
      const { rowCount } = await this.db.query(
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

  private async housekeeping(): Promise<void> {
    if (this.dead) return;
    await this.pruneHistory().catch((e) => this.o.log(`executor: pruning run history failed: ${(e as Error).message}`));
    await this.db
      .query("DELETE FROM executor.events WHERE received_at < now() - make_interval(secs => $1 / 1000.0)", [LIMITS.eventDedupeMs * 7])
      .catch(() => {});
    await this.db
      .query("DELETE FROM executor.idempotency WHERE created_at < now() - make_interval(secs => $1 / 1000.0)", [LIMITS.idempotencyMs])
      .catch(() => {});
  }

  private recordAttempt(runId: string, stepId: string | null, stepName: string | null, attempt: number, startedAt: Date, ms: number, outcome: string, error?: unknown) {
    this.attemptBuf.push([runId, stepId, stepName, attempt, startedAt.toISOString(), ms, outcome, error === undefined ? null : JSON.stringify(error)]);
  }

  async flushAttempts(): Promise<void> {
    if (this.attemptBuf.length === 0 || this.dead) return;
    const rows = this.attemptBuf;
    this.attemptBuf = [];
    const cols = rows[0].length;
    const json = JSON.stringify(rows.map((r) => Object.fromEntries(r.map((v, i) => [`c${i}`, v]))));
    void cols;
    await this.db
      .query(
        `INSERT INTO executor.attempts (run_id, step_id, step_name, attempt, started_at, duration_ms, outcome, error)
         SELECT c0, c1, c2, c3, c4, c5, c6, c7::jsonb FROM jsonb_to_recordset($1::jsonb)
           AS x(c0 text, c1 text, c2 text, c3 int, c4 timestamptz, c5 double precision, c6 text, c7 text)`,
        [json],
      )
      .catch((e) => this.o.log(`executor: attempts flush failed: ${(e as Error).message}`));
  }

  // ---------------------------------------------------------------- apps & functions

  async loadFunctions(): Promise<void> {
    const { rows } = await this.db.query<{ config: FnDef }>("SELECT config FROM executor.functions");
    const m = new Map<string, FnDef>();
    for (const r of rows) m.set(r.config.id, r.config);
    this.fns = m;
    this.fnsLoadedAt = Date.now();
  }

  private async getFn(id: string): Promise<FnDef | undefined> {
    let fn = this.fns.get(id);
    if (!fn) {
      // another process (or a sync since our last load) may know it
      await this.loadFunctions();
      fn = this.fns.get(id);
    }
    return fn;
  }

  /** Handle the SDK's POST /fn/register. */
  async register(body: Record<string, unknown>, authorization: string | undefined): Promise<{ status: number; body: unknown }> {
    if (this.o.signingKey) {
      const expected = `Bearer ${hashSigningKey(this.o.signingKey)}`;
      if (authorization !== expected) return { status: 401, body: { status: 401, error: "invalid signing key" } };
    }
    const appId = String(body.appName ?? body.app_id ?? "");
    const url = String(body.url ?? "");
    if (!appId || !url) return { status: 400, body: { status: 400, error: "register: appName and url are required" } };
    const defs: FnDef[] = [];
    const errors: string[] = [];
    for (const f of (body.functions ?? []) as Record<string, unknown>[]) {
      try {
        defs.push(parseFunctionConfig(f, appId));
      } catch (e) {
        if (e instanceof SyncError) errors.push(e.message);
        else throw e;
      }
    }
    if (errors.length) {
      this.o.log(`executor: refused sync of app "${appId}": ${errors.join("; ")}`);
      return { status: 400, body: { status: 400, error: `sync refused: ${errors.join("; ")}`, modified: false } };
    }
    const client = await this.db.connect();
    try {
      await client.query("BEGIN");
      await client.query(
        `INSERT INTO executor.apps (id, url, framework, sdk, synced_at) VALUES ($1, $2, $3, $4, now())
         ON CONFLICT (id) DO UPDATE SET url = EXCLUDED.url, framework = EXCLUDED.framework, sdk = EXCLUDED.sdk, synced_at = now()`,
        [appId, url, body.framework ?? null, body.sdk ?? null],
      );
      await client.query("DELETE FROM executor.functions WHERE app_id = $1 AND NOT (id = ANY($2))", [appId, defs.map((d) => d.id)]);
      for (const d of defs) {
        await client.query(
          `INSERT INTO executor.functions (id, app_id, config, updated_at) VALUES ($1, $2, $3, now())
           ON CONFLICT (id) DO UPDATE SET app_id = EXCLUDED.app_id, config = EXCLUDED.config, updated_at = now()`,
          [d.id, appId, JSON.stringify(d)],
        );
      }
      const crons = defs.flatMap((d) => d.triggers.flatMap((t) => ("cron" in t ? [{ fn: d.id, expr: t.cron }] : [])));
      await client.query(
        `DELETE FROM executor.crons c WHERE NOT EXISTS (SELECT 1 FROM executor.functions f WHERE f.id = c.function_id)
           OR (c.function_id = ANY($1) AND NOT ((c.function_id || ' ' || c.expr) = ANY($2)))`,
        [defs.map((d) => d.id), crons.map((c) => `${c.fn} ${c.expr}`)],
      );
      for (const c of crons) {
        await client.query(
          "INSERT INTO executor.crons (function_id, expr, next_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
          [c.fn, c.expr, cronNext(c.expr, new Date())],
        );
      }
      await client.query("COMMIT");
    } catch (e) {
      await client.query("ROLLBACK").catch(() => {});
      throw e;
    } finally {
      client.release();
    }
    await this.loadFunctions();
    this.o.log(`executor: synced app "${appId}" (${defs.length} functions) from ${url}`);
    return { status: 200, body: { status: 200, modified: true } };
  }

  // ---------------------------------------------------------------- events

  /** Validate, dedupe (24 h by id), store and route events. Returns the ids (one per input event). */
  async ingest(raw: unknown, opts: { internal?: boolean } = {}): Promise<string[]> {
    const list = Array.isArray(raw) ? raw : [raw];
    if (!opts.internal && list.length > LIMITS.maxEventsPerSend) {
      throw new HttpError(400, `too many events: ${list.length} in one send, the limit is ${LIMITS.maxEventsPerSend}`);
    }
    const now = Date.now();
    const events: InngestEvent[] = [];
    for (const e of list) {
      if (!e || typeof e !== "object") throw new HttpError(400, "event must be an object");
      const ev = e as Record<string, unknown>;
      if (typeof ev.name !== "string" || !ev.name) throw new HttpError(400, "event name is required");
      if (!opts.internal && ev.name.startsWith("inngest/")) throw new HttpError(400, `event name "${ev.name}" is reserved`);
      if (ev.data !== undefined && ev.data !== null && (typeof ev.data !== "object" || Array.isArray(ev.data))) {
        throw new HttpError(400, "event data must be an object");
      }
      const out: InngestEvent = {
        id: typeof ev.id === "string" && ev.id ? ev.id : ulid(now),
        name: ev.name,
        data: (ev.data as Record<string, unknown>) ?? {},
        ts: typeof ev.ts === "number" && ev.ts > 0 ? ev.ts : now,
        ...(ev.user && typeof ev.user === "object" ? { user: ev.user as Record<string, unknown> } : {}),
        ...(typeof ev.v === "string" ? { v: ev.v } : {}),
      };
      const size = byteLength(out);
      if (size > LIMITS.maxEventBytes) {
        throw new HttpError(413, `event "${out.name}" is ${size} bytes, over the ${LIMITS.maxEventBytes}-byte (3 MiB) event size limit`);
      }
      events.push(out);
    }
    if (!events.length) return [];
    // Dedupe within the batch, then against the last 24 h.
    const seen = new Map<string, InngestEvent>();
    for (const e of events) if (!seen.has(e.id)) seen.set(e.id, e);
    const unique = [...seen.values()];
    // Another executor process may have synced apps since our last load.
    const { rows: v } = await this.db.query<{ v: string }>("SELECT count(*) || '/' || coalesce(max(updated_at)::text, '') AS v FROM executor.functions");
    if (v[0]?.v !== this.fnsVersion) {
      await this.loadFunctions();
      this.fnsVersion = v[0]?.v ?? "";
    }
    // Storing the events (dedupe) and creating the runs they trigger is one transaction: an accepted
    // event always has its runs, and a failed send can be retried with the same ids.
    let fresh: InngestEvent[] = [];
    const client = await this.db.connect();
    try {
      await client.query("BEGIN");
      // an acknowledged event must survive a database crash, whatever asyncCommit says
      await client.query("SET LOCAL synchronous_commit = on");
      const { rows } = await client.query<{ id: string }>(
        `INSERT INTO executor.events AS e (id, name, data, ts)
         SELECT id, name, data, ts FROM jsonb_to_recordset($1::jsonb) AS x(id text, name text, data jsonb, ts bigint)
         ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, data = EXCLUDED.data, ts = EXCLUDED.ts, received_at = now()
           WHERE e.received_at < now() - make_interval(secs => $2 / 1000.0)
         RETURNING id`,
        [JSON.stringify(unique.map((e) => ({ id: e.id, name: e.name, data: e.data, ts: e.ts }))), LIMITS.eventDedupeMs],
      );
      const accepted = new Set(rows.map((r) => r.id));
      fresh = unique.filter((e) => accepted.has(e.id));
      const specs = this.matchTriggers(fresh);
      if (specs.length) await this.createRuns(specs, client);
      await client.query("COMMIT");
    } catch (e) {
      await client.query("ROLLBACK").catch(() => {});
      throw e;
    } finally {
      client.release();
    }
    if (fresh.length) {
      this.wake();
      await this.resumeAndCancel(fresh);
    }
    return events.map((e) => e.id);
  }

  private fnsVersion = "";

  private matchTriggers(events: InngestEvent[]): { fn: FnDef; event: InngestEvent }[] {
    const specs: { fn: FnDef; event: InngestEvent }[] = [];
    for (const ev of events) {
      for (const fn of this.fns.values()) {
        for (const t of fn.triggers) {
          if (!("event" in t)) continue;
          const match = t.event === ev.name || (t.event.endsWith("*") && ev.name.startsWith(t.event.slice(0, -1)));
          if (match && exprTrue(t.expression, { event: ev })) {
            specs.push({ fn, event: ev });
            break;
          }
        }
      }
    }
    return specs;
  }

  /** Resume waitForEvent steps and apply cancelOn for newly accepted events. */
  private async resumeAndCancel(events: InngestEvent[]): Promise<void> {
    const names = [...new Set(events.map((e) => e.name))];
    // 1. resume waitForEvent
    const { rows: waits } = await this.db.query<{ id: number; run_id: string; step_id: string; event_name: string; expr: string | null; run_event: InngestEvent }>(
      `SELECT w.id, w.run_id, w.step_id, w.event_name, w.expr, r.event AS run_event
       FROM executor.waits w JOIN executor.runs r ON r.id = w.run_id
       WHERE w.event_name = ANY($1) AND w.expires_at > now() ORDER BY w.id`,
      [names],
    );
    for (const w of waits) {
      const ev = events.find((e) => e.name === w.event_name && exprTrue(w.expr, { event: w.run_event, async: e }));
      if (!ev) continue;
      const claimed = await this.db.query("DELETE FROM executor.waits WHERE id = $1 RETURNING id", [w.id]);
      if (!claimed.rowCount) continue;
      await this.finishStep(w.run_id, w.step_id, null, "WaitForEvent", { data: ev }, null, false);
    }
    // 2. cancelOn
    for (const fn of this.fns.values()) {
      const rules = fn.cancel.filter((c) => names.includes(c.event));
      if (!rules.length) continue;
      // (runs started by these very events are not cancelled by them)
      const { rows: runs } = await this.db.query<{ id: string; event: InngestEvent; created_at: Date }>(
        "SELECT id, event, created_at FROM executor.runs WHERE function_id = $1 AND status IN ('Queued', 'Running') AND NOT (event_id = ANY($2))",
        [fn.id, events.map((e) => e.id)],
      );
      for (const run of runs) {
        for (const rule of rules) {
          if (rule.timeoutMs !== undefined && Date.now() > run.created_at.getTime() + rule.timeoutMs) continue;
          const ev = events.find((e) => e.name === rule.event && exprTrue(rule.if, { event: run.event, async: e }));
          if (ev) {
            await this.cancelRun(run.id, `cancelled by event "${ev.name}" (${ev.id})`);
            break;
          }
        }
      }
    }
  }

  /** Create runs (respecting idempotency) with their first queue item. Returns the new run ids per spec (null if skipped). */
  async createRuns(
    specs: { fn: FnDef; event: InngestEvent; parentRunId?: string; parentStepId?: string }[],
    client: Pick<Db, "query"> = this.db,
  ): Promise<(string | null)[]> {
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
        [JSON.stringify(dedupeBy(idem, (i) => `${i.function_id}\u0000${i.idem}`).map((i) => ({ function_id: i.function_id, key: i.idem, run_id: i.id }))), LIMITS.idempotencyMs],
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
        [JSON.stringify(keep.map(({ idem: _i, ...rest }) => rest))],
      );
      if (client === this.db) this.wake();
    }
    const kept = new Set(keep.map((k) => k.id));
    return items.map((i) => (kept.has(i.id) ? i.id : null));
  }

  // ---------------------------------------------------------------- cancellation & finishing

  async cancelRun(runId: string, reason: string): Promise<boolean> {
    const run = await this.loadRunMeta(runId);
    if (!run) return false;
    return this.finishRun(run, "Cancelled", null, errObj("FunctionCancelled", reason));
  }

  private async loadRunMeta(runId: string): Promise<RunRow | undefined> {
    const { rows } = await this.db.query<RunRow>(
      "SELECT id, function_id, status, event, output, error, parent_run_id, parent_step_id, state_bytes FROM executor.runs WHERE id = $1",
      [runId],
    );
    return rows[0];
  }

  private listenersCache: { fns: Map<string, FnDef>; value: boolean } | null = null;
  private finishedListeners(): boolean {
    if (this.listenersCache?.fns === this.fns) return this.listenersCache.value;
    this.listenersCache = { fns: this.fns, value: this.computeFinishedListeners() };
    return this.listenersCache.value;
  }
  private computeFinishedListeners(): boolean {
    for (const fn of this.fns.values()) {
      if (fn.triggers.some((t) => "event" in t && (t.event === "inngest/function.finished" || t.event === "inngest/*"))) return true;
      if (fn.cancel.some((c) => c.event === "inngest/function.finished")) return true;
    }
    return false;
  }

  private finishedWaits = { at: 0, value: false };
  /** Is any run waiting (step.waitForEvent) for inngest/function.finished? Checked at most once a second. */
  private async finishedWaiters(): Promise<boolean> {
    if (Date.now() - this.finishedWaits.at < 1000) return this.finishedWaits.value;
    const { rowCount } = await this.db.query("SELECT 1 FROM executor.waits WHERE event_name = 'inngest/function.finished' LIMIT 1");
    this.finishedWaits = { at: Date.now(), value: Boolean(rowCount) };
    return this.finishedWaits.value;
  }

  private async finishRun(run: RunRow, status: "Completed" | "Failed" | "Cancelled", output: unknown, error: unknown): Promise<boolean> {
    const outbox = status !== "Completed" || Boolean(run.parent_run_id) || this.finishedListeners() || (await this.finishedWaiters());
    const { rows } = await this.q<{ ok: boolean }>("finish_run", "SELECT executor.finish_run($1, $2, $3, $4, $5) AS ok", [
      run.id,
      status,
      output === undefined ? null : JSON.stringify(output),
      error === undefined || error === null ? null : JSON.stringify(error),
      outbox,
    ]);
    const ok = Boolean(rows[0]?.ok);
    if (ok) {
      if (status !== "Completed") this.o.log(`executor: run ${run.id} (${run.function_id}) ${status}: ${(error as { message?: string })?.message ?? ""}`);
      if (outbox) this.wake();
    }
    return ok;
  }

  /** Record a settled step; queue the run's next discovery call when nothing else is pending. */
  private async finishStep(
    runId: string,
    stepId: string,
    name: string | null,
    op: string | null,
    result: { data?: unknown; error?: unknown },
    item: QueueItem | null,
    keep: boolean,
    attempts = 0,
  ): Promise<string> {
    const isErr = result.error !== undefined;
    const bytes = byteLength(isErr ? result.error : result.data);
    const { rows } = await this.q<{ r: string }>("finish_step",
      "SELECT executor.finish_step($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) AS r",
      [
        runId,
        stepId,
        name,
        op,
        isErr ? null : JSON.stringify(result.data ?? null),
        isErr ? JSON.stringify(result.error) : null,
        isErr ? "failed" : "completed",
        bytes,
        item?.id ?? null,
        keep,
        attempts,
      ],
    );
    const r = rows[0]?.r ?? "gone";
    if (r === "enqueued") this.wake();
    return r;
  }

  // ---------------------------------------------------------------- work items

  private async process(item: QueueItem, preloaded?: RunRow): Promise<void> {
    if (this.dead) return;
    switch (item.kind) {
      case "call":
        return this.drive(item, preloaded);
      case "sleep":
        await this.finishStep(item.run_id, item.step_id!, null, "Sleep", { data: null }, item, false);
        return;
      case "wait-timeout":
        await this.db.query("DELETE FROM executor.waits WHERE run_id = $1 AND step_id = $2", [item.run_id, item.step_id]);
        await this.finishStep(item.run_id, item.step_id!, null, "WaitForEvent", { data: null }, item, false);
        return;
      case "invoke-timeout":
        await this.finishStep(
          item.run_id,
          item.step_id!,
          null,
          "InvokeFunction",
          { error: errObj("InngestInvokeTimeoutError", "Timed out waiting for invoked function to complete") },
          item,
          false,
        );
        return;
      case "timeout-finish": {
        const run = await this.loadRunMeta(item.run_id);
        if (run && !TERMINAL.has(run.status)) {
          await this.finishRun(run, "Cancelled", null, errObj("FunctionTimeoutError", "function run exceeded timeouts.finish"));
        }
        await this.deleteItem(item);
        return;
      }
      case "finished":
        return this.emitFinished(item);
      default:
        this.o.log(`executor: unknown queue item kind ${item.kind}`);
        await this.deleteItem(item);
    }
  }

  private async deleteItem(item: QueueItem): Promise<void> {
    await this.q("delete_item", "DELETE FROM executor.queue WHERE id = $1", [item.id]);
  }

  private async emitFinished(item: QueueItem): Promise<void> {
    const run = await this.loadRunMeta(item.run_id);
    if (run && TERMINAL.has(run.status)) {
      const base = { function_id: run.function_id, run_id: run.id, event: run.event };
      const events: Record<string, unknown>[] = [];
      if (run.status === "Completed") {
        events.push({ id: `finished-${run.id}`, name: "inngest/function.finished", data: { ...base, result: run.output } });
      } else {
        events.push({ id: `finished-${run.id}`, name: "inngest/function.finished", data: { ...base, error: run.error } });
        if (run.status === "Failed") events.push({ id: `failed-${run.id}`, name: "inngest/function.failed", data: { ...base, error: run.error } });
        else events.push({ id: `cancelled-${run.id}`, name: "inngest/function.cancelled", data: { ...base, error: run.error } });
      }
      await this.ingest(events, { internal: true });
      if (run.parent_run_id && run.parent_step_id) {
        const result =
          run.status === "Completed"
            ? { data: run.output ?? null }
            : { error: (run.error as object) ?? errObj("Error", `invoked function run ${run.status.toLowerCase()}`) };
        await this.finishStep(run.parent_run_id, run.parent_step_id, null, "InvokeFunction", result, null, false);
      }
    }
    await this.deleteItem(item);
  }

  /** Load a run with its memoized steps; marks it started (and arms timeouts.finish) on its first call. */
  private async loadRunForCall(runId: string): Promise<RunRow | undefined> {
    return (await this.loadRunsForCall([runId])).get(runId);
  }

  /** Load runs with their memoized steps (one statement for a whole leased batch); marks them started and arms timeouts.finish. */
  private async loadRunsForCall(runIds: string[]): Promise<Map<string, RunRow>> {
    const { rows } = await this.q<RunRow>("load_runs",
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

  private backoff(attempt: number, retryAfter: string | null): number {
    if (retryAfter) {
      if (/^\d+$/.test(retryAfter.trim())) return Number(retryAfter) * 1000;
      const t = Date.parse(retryAfter);
      if (!Number.isNaN(t)) return Math.max(0, t - Date.now());
    }
    const base = Math.min(this.o.retryBaseMs * 2 ** attempt, this.o.retryMaxMs);
    return Math.round(base * (0.8 + Math.random() * 0.4));
  }

  private async retryItem(item: QueueItem, stepId: string | null, delayMs: number, stepName?: string | null): Promise<void> {
    await this.db.query(
      `WITH s AS (
         INSERT INTO executor.steps (run_id, id, name, op, status, attempts) SELECT $2, $3, $6, 'StepRun', 'retrying', $4 WHERE $3::text IS NOT NULL
         ON CONFLICT (run_id, id) DO UPDATE SET status = 'retrying', attempts = EXCLUDED.attempts WHERE executor.steps.seq IS NULL
       )
       UPDATE executor.queue SET step_id = $3, attempt = $4, run_at = clock_timestamp() + make_interval(secs => $5 / 1000.0),
         lease_until = NULL, lease_owner = NULL WHERE id = $1`,
      [item.id, item.run_id, stepId, item.attempt + 1, delayMs, stepName ?? null],
    );
    this.wakeAt(Date.now() + delayMs);
  }

  /** Drive a run through call requests until it waits, fails, completes, or hands work to other items. */
  private async drive(item: QueueItem, preloaded?: RunRow): Promise<void> {
    const run = preloaded ?? (await this.loadRunForCall(item.run_id));
    if (!run || TERMINAL.has(run.status)) {
      await this.deleteItem(item);
      return;
    }
    const fn = await this.getFn(run.function_id);
    if (!fn) {
      await this.finishRun(run, "Failed", null, errObj("FunctionNotFound", `function "${run.function_id}" is not synced`));
      return;
    }
    if (run.status === "Queued") {
      // start_deadline passed before the run could start
      await this.finishRun(run, "Cancelled", null, errObj("FunctionTimeoutError", "function run did not start within timeouts.start"));
      return;
    }
    if (run.just_started && fn.timeouts.finishMs !== undefined) this.wakeAt(Date.now() + fn.timeouts.finishMs);
    const memo = run.memo ?? [];
    let stepCount = run.step_count ?? memo.length;
    let stateBytes = Number(run.state_bytes);
    for (let calls = 0; ; calls++) {
      if (this.dead) return;
      if (this.stopping && calls > 0) {
        // Draining: the last result is persisted; hand the run's next call to the next executor.
        await this.db.query("UPDATE executor.queue SET lease_until = NULL, lease_owner = NULL WHERE id = $1", [item.id]);
        return;
      }
      const steps: Record<string, unknown> = {};
      for (const m of memo) steps[m.id] = m.error !== null && m.error !== undefined ? { error: m.error } : { data: m.data ?? null };
      const body = JSON.stringify({
        event: run.event,
        events: [run.event],
        steps,
        ctx: {
          run_id: run.id,
          attempt: item.attempt,
          max_attempts: fn.maxAttempts,
          disable_immediate_execution: false,
          use_api: false,
          stack: { stack: memo.map((m) => m.id), current: memo.length },
        },
        // no "version": the SDK then picks its preferred execution version (V2, optimized parallelism)
      });
      const started = new Date();
      const t0 = performance.now();
      const res = await this.call(fn, item.step_id, body);
      const ms = performance.now() - t0;
      if (this.dead) return;

      if (res.kind === "ops") {
        const ops = res.ops;
        const ran = ops.length === 1 && RESULT_OPS.has(ops[0].op) ? ops[0] : null;
        if (ran) {
          const stepName = ran.displayName ?? ran.name ?? null;
          if (ran.op === "StepError") {
            this.recordAttempt(run.id, ran.id, stepName, item.attempt, started, ms, "error", ran.error);
            if (item.attempt + 1 < fn.maxAttempts && !res.noRetry) {
              await this.retryItem(item, ran.id, this.backoff(item.attempt, res.retryAfter), stepName);
              return;
            }
          }
          const failed = ran.op !== "StepRun";
          if (!failed) this.recordAttempt(run.id, ran.id, stepName, item.attempt, started, ms, "ok");
          else if (ran.op === "StepFailed") this.recordAttempt(run.id, ran.id, stepName, item.attempt, started, ms, "failed", ran.error);
          const result = failed ? { error: ran.error ?? errObj("Error", "step failed") } : { data: ran.data ?? null };
          const size = byteLength(failed ? result.error : result.data);
          if (size > LIMITS.maxStepOutputBytes) {
            await this.finishRun(run, "Failed", null, errObj("OutputTooLarge", `step "${stepName}" returned ${size} bytes, over the 4 MiB (${LIMITS.maxStepOutputBytes} bytes) per-step output limit`));
            return;
          }
          if (stateBytes + size > LIMITS.maxRunStateBytes) {
            await this.finishRun(run, "Failed", null, errObj("StateTooLarge", `run state would reach ${stateBytes + size} bytes, over the 32 MiB (${LIMITS.maxRunStateBytes} bytes) run state limit`));
            return;
          }
          if (!memo.some((m) => m.id === ran.id) && item.step_id !== ran.id) stepCount++;
          if (stepCount > LIMITS.maxStepsPerRun) {
            await this.finishRun(run, "Failed", null, errObj("TooManySteps", `run exceeded the limit of ${LIMITS.maxStepsPerRun} steps`));
            return;
          }
          const next = await this.finishStep(run.id, ran.id, stepName, "StepRun", result, item, true, item.attempt + 1);
          if (next !== "discover") return;
          if (item.step_id !== null) {
            // This item ran one of several planned (parallel) steps; others settled meanwhile: reload the memo.
            const fresh = await this.loadRunForCall(run.id);
            if (!fresh || TERMINAL.has(fresh.status)) return;
            memo.splice(0, memo.length, ...(fresh.memo ?? []));
            stepCount = fresh.step_count ?? memo.length;
            stateBytes = Number(fresh.state_bytes);
          } else {
            stateBytes += size;
            memo.push({ id: ran.id, status: failed ? "failed" : "completed", ...result });
          }
          item.step_id = null;
          item.attempt = 0;
          continue;
        }
        this.recordAttempt(run.id, null, null, item.attempt, started, ms, "discovered");
        if (process.env.EXECUTOR_DEBUG) this.o.log(`ops ${JSON.stringify(ops)} memo ${JSON.stringify(memo)}`);
        await this.planOps(run, fn, item, ops, stepCount);
        return;
      }
      if (res.kind === "done") {
        this.recordAttempt(run.id, item.step_id, null, item.attempt, started, ms, "completed");
        const size = byteLength(res.data);
        if (size > LIMITS.maxStepOutputBytes) {
          await this.finishRun(run, "Failed", null, errObj("OutputTooLarge", `function output is ${size} bytes, over the 4 MiB limit`));
          return;
        }
        await this.finishRun(run, "Completed", res.data, null);
        return;
      }
      // error
      this.recordAttempt(run.id, item.step_id, null, item.attempt, started, ms, "error", res.error);
      if (!res.noRetry && item.attempt + 1 < fn.maxAttempts) {
        await this.retryItem(item, item.step_id, this.backoff(item.attempt, res.retryAfter));
        return;
      }
      await this.finishRun(run, "Failed", null, res.error);
      return;
    }
  }

  /** Act on newly reported ops (StepPlanned / Sleep / WaitForEvent / InvokeFunction / RunComplete). */
  private async planOps(run: RunRow, fn: FnDef, item: QueueItem, ops: Op[], stepCount: number): Promise<void> {
    const complete = ops.find((o) => o.op === "RunComplete");
    if (complete) {
      await this.finishRun(run, "Completed", complete.data ?? null, null);
      return;
    }
    const unsupported = ops.find((o) => !["StepPlanned", "Sleep", "WaitForEvent", "InvokeFunction"].includes(o.op));
    if (unsupported) {
      await this.finishRun(run, "Failed", null, errObj("UnsupportedOp", `step "${unsupported.displayName ?? unsupported.id}" uses op ${unsupported.op}, which the embedded executor does not implement`));
      return;
    }
    const { rows: known } = await this.db.query<{ id: string }>("SELECT id FROM executor.steps WHERE run_id = $1 AND id = ANY($2)", [
      run.id,
      ops.map((o) => o.id),
    ]);
    const knownIds = new Set(known.map((k) => k.id));
    const fresh = dedupeBy(ops.filter((o) => !knownIds.has(o.id)), (o) => o.id);
    if (stepCount + fresh.length > LIMITS.maxStepsPerRun) {
      await this.finishRun(run, "Failed", null, errObj("TooManySteps", `run exceeded the limit of ${LIMITS.maxStepsPerRun} steps`));
      return;
    }
    const stepRows: unknown[] = [];
    const queueRows: unknown[] = [];
    const waitRows: unknown[] = [];
    const children: { fn: FnDef; event: InngestEvent; parentRunId: string; parentStepId: string }[] = [];
    const now = Date.now();
    for (const op of fresh) {
      const name = op.displayName ?? op.name ?? op.id;
      if (op.op === "StepPlanned") {
        stepRows.push({ id: op.id, name, op: "StepRun", status: "planned" });
        queueRows.push({ kind: "call", step_id: op.id, run_at: new Date(now).toISOString(), ckeys: true });
      } else if (op.op === "Sleep") {
        let until: number;
        try {
          until = sleepUntil(String(op.name ?? ""), now);
        } catch {
          await this.finishRun(run, "Failed", null, errObj("InvalidSleep", `step "${name}": invalid sleep "${op.name}"`));
          return;
        }
        stepRows.push({ id: op.id, name, op: "Sleep", status: "sleeping" });
        queueRows.push({ kind: "sleep", step_id: op.id, run_at: new Date(until).toISOString() });
      } else if (op.op === "WaitForEvent") {
        const timeoutMs = parseDuration(String(op.opts?.timeout ?? "0s"));
        const expires = new Date(now + timeoutMs).toISOString();
        stepRows.push({ id: op.id, name, op: "WaitForEvent", status: "waiting" });
        waitRows.push({ step_id: op.id, event_name: String(op.name), expr: (op.opts?.if as string) ?? null, expires_at: expires });
        queueRows.push({ kind: "wait-timeout", step_id: op.id, run_at: expires });
      } else if (op.op === "InvokeFunction") {
        const target = await this.getFn(String(op.opts?.function_id ?? ""));
        if (!target) {
          await this.finishRun(run, "Failed", null, errObj("FunctionNotFound", `step "${name}": invoked function "${op.opts?.function_id}" is not synced`));
          return;
        }
        const payload = (op.opts?.payload ?? {}) as { data?: Record<string, unknown>; v?: string };
        children.push({
          fn: target,
          event: { id: ulid(now), name: "inngest/function.invoked", data: payload.data ?? {}, ts: now, ...(payload.v ? { v: payload.v } : {}) },
          parentRunId: run.id,
          parentStepId: op.id,
        });
        stepRows.push({ id: op.id, name, op: "InvokeFunction", status: "invoking" });
        if (op.opts?.timeout) {
          queueRows.push({ kind: "invoke-timeout", step_id: op.id, run_at: new Date(now + parseDuration(String(op.opts.timeout))).toISOString() });
        }
      }
    }
    // With invocations, the parent's bookkeeping and the child runs are one transaction.
    const client = children.length ? await this.db.connect() : null;
    const db: Pick<Db, "query"> = client ?? this.db;
    try {
      if (client) await client.query("BEGIN");
      await db.query(
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
        [run.id, JSON.stringify(stepRows), JSON.stringify(waitRows), JSON.stringify(queueRows), item.id],
      );
      if (client) {
        await this.createRuns(children, client);
        await client.query("COMMIT");
      }
    } catch (e) {
      if (client) await client.query("ROLLBACK").catch(() => {});
      throw e;
    } finally {
      client?.release();
    }
    if (children.length) this.wake();
    for (const r of queueRows as { run_at: string }[]) this.wakeAt(Date.parse(r.run_at));
  }

  private async call(
    fn: FnDef,
    stepId: string | null,
    body: string,
  ): Promise<
    | { kind: "ops"; ops: Op[]; noRetry: boolean; retryAfter: string | null }
    | { kind: "done"; data: unknown }
    | { kind: "error"; error: unknown; noRetry: boolean; retryAfter: string | null }
  > {
    const url = new URL(fn.url);
    url.searchParams.set("fnId", fn.id);
    url.searchParams.set("stepId", stepId ?? "step");
    const headers: Record<string, string> = {
      "content-type": "application/json",
      "x-inngest-server-kind": this.o.signingKey ? "cloud" : "dev",
    };
    // The SDK verifies the signature over the canonicalized (RFC 8785) form of the parsed body.
    if (this.o.signingKey) headers["x-inngest-signature"] = signBody(canonicalize(JSON.parse(body)), this.o.signingKey);
    let res: HttpResult;
    try {
      res = await httpPost(url, headers, body);
    } catch (e) {
      return { kind: "error", error: errObj("SDKUnreachable", `call to ${url.origin}${url.pathname} failed: ${(e as Error).message}`), noRetry: false, retryAfter: null };
    }
    const text = res.text;
    if (this.o.signingKey && (res.status === 200 || res.status === 206)) {
      if (!verifySignature(res.header("x-inngest-signature"), text, this.o.signingKey)) {
        return { kind: "error", error: errObj("InvalidSignature", "the SDK's response signature did not verify"), noRetry: false, retryAfter: null };
      }
    }
    const noRetry = res.header("x-inngest-no-retry") === "true";
    const retryAfter = res.header("retry-after");
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      parsed = undefined;
    }
    if (res.status === 206 && Array.isArray(parsed) && parsed.length > 0) return { kind: "ops", ops: parsed as Op[], noRetry, retryAfter };
    if (res.status === 200 && parsed !== undefined) return { kind: "done", data: parsed };
    const error =
      parsed && typeof parsed === "object" && !Array.isArray(parsed)
        ? parsed
        : errObj("HTTPError", `SDK responded ${res.status}: ${text.slice(0, 500)}`);
    return { kind: "error", error, noRetry, retryAfter };
  }

  // ---------------------------------------------------------------- cron

  private async cronTick(): Promise<void> {
    if (this.dead || this.stopping) return;
    try {
      const { rows } = await this.db.query<{ function_id: string; expr: string; next_at: Date }>(
        "SELECT function_id, expr, next_at FROM executor.crons WHERE next_at <= now()",
      );
      for (const c of rows) {
        const fn = await this.getFn(c.function_id);
        const next = cronNext(c.expr, new Date(Math.max(Date.now(), c.next_at.getTime())));
        // Claim the tick, store its event and create its run in one transaction; a concurrent executor
        // re-checks next_at after the row lock and skips.
        const client = await this.db.connect();
        try {
          await client.query("BEGIN");
          const claimed = await client.query(
            "UPDATE executor.crons SET next_at = $3 WHERE function_id = $1 AND expr = $2 AND next_at <= now() RETURNING 1",
            [c.function_id, c.expr, next],
          );
          if (claimed.rowCount && fn) {
            const ts = c.next_at.getTime();
            const event: InngestEvent = { id: `cron-${c.function_id}-${ts}`, name: "inngest/scheduled.timer", data: { cron: c.expr }, ts };
            const ins = await client.query(
              "INSERT INTO executor.events (id, name, data, ts) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING RETURNING 1",
              [event.id, event.name, JSON.stringify(event.data), ts],
            );
            if (ins.rowCount) await this.createRuns([{ fn, event }], client);
          }
          await client.query("COMMIT");
        } catch (e) {
          await client.query("ROLLBACK").catch(() => {});
          throw e;
        } finally {
          client.release();
        }
        this.wake();
      }
    } catch (e) {
      if (!this.dead) this.o.log(`executor: cron tick failed: ${(e as Error).message}`);
    }
  }
}

interface HttpResult {
  status: number;
  text: string;
  header(name: string): string | null;
}

const agents = { http: new http.Agent({ keepAlive: true, maxSockets: 512 }), https: new https.Agent({ keepAlive: true, maxSockets: 512 }) };

/** POST over node:http with keep-alive (lighter than fetch on the hot path). No timeout: steps may run long. */
function httpPost(url: URL, headers: Record<string, string>, body: string): Promise<HttpResult> {
  const mod = url.protocol === "https:" ? https : http;
  return new Promise((resolve, reject) => {
    const req = mod.request(
      url,
      { method: "POST", headers: { ...headers, "content-length": String(Buffer.byteLength(body)) }, agent: url.protocol === "https:" ? agents.https : agents.http },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("error", reject);
        res.on("end", () => {
          const h = res.headers;
          resolve({
            status: res.statusCode ?? 0,
            text: Buffer.concat(chunks).toString("utf8"),
            header: (n) => {
              const v = h[n.toLowerCase()];
              return v === undefined ? null : Array.isArray(v) ? v.join(", ") : v;
            },
          });
        });
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

function dedupeBy<T>(list: T[], key: (t: T) => string): T[] {
  const seen = new Set<string>();
  return list.filter((x) => {
    const k = key(x);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
