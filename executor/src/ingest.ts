// Event ingestion: validate, dedupe (24 h by id), store, start the runs triggers match, then resume
// waitForEvent steps and apply cancelOn.
import { LIMITS } from "./config";
import { withTransaction, type Db } from "./db";
import type { FunctionRegistry } from "./functions";
import type { RunSpec, Runs } from "./runs";
import { HttpError, type InngestEvent, type Log, type Waker } from "./types";
import { byteLength, exprTrue, ulid } from "./util";

export class Ingest {
  constructor(private o: { db: Db; fns: FunctionRegistry; runs: Runs; waker: Waker; log: Log }) {}

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
    await this.o.fns.refreshIfChanged();
    // Storing the events (dedupe) and creating the runs they trigger is one transaction: an accepted
    // event always has its runs, and a failed send can be retried with the same ids.
    const fresh = await withTransaction(
      this.o.db,
      async (client) => {
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
        const stored = unique.filter((e) => accepted.has(e.id));
        const specs = this.matchTriggers(stored);
        if (specs.length) await this.o.runs.createRuns(specs, client);
        return stored;
      },
      this.o.log,
    );
    if (fresh.length) {
      this.o.waker.wake();
      await this.resumeAndCancel(fresh);
    }
    return events.map((e) => e.id);
  }

  private matchTriggers(events: InngestEvent[]): RunSpec[] {
    const specs: RunSpec[] = [];
    for (const ev of events) {
      for (const fn of this.o.fns.fns.values()) {
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
    const { db, runs } = this.o;
    const names = [...new Set(events.map((e) => e.name))];
    // 1. resume waitForEvent
    const { rows: waits } = await db.query<{
      id: number;
      run_id: string;
      step_id: string;
      event_name: string;
      expr: string | null;
      run_event: InngestEvent;
    }>(
      `SELECT w.id, w.run_id, w.step_id, w.event_name, w.expr, r.event AS run_event
       FROM executor.waits w JOIN executor.runs r ON r.id = w.run_id
       WHERE w.event_name = ANY($1) AND w.expires_at > now() ORDER BY w.id`,
      [names],
    );
    for (const w of waits) {
      const ev = events.find((e) => e.name === w.event_name && exprTrue(w.expr, { event: w.run_event, async: e }));
      if (!ev) continue;
      const claimed = await db.query("DELETE FROM executor.waits WHERE id = $1 RETURNING id", [w.id]);
      if (!claimed.rowCount) continue;
      await runs.finishStep({ runId: w.run_id, stepId: w.step_id, op: "WaitForEvent", result: { data: ev } });
    }
    // 2. cancelOn
    for (const fn of this.o.fns.fns.values()) {
      const rules = fn.cancel.filter((c) => names.includes(c.event));
      if (!rules.length) continue;
      // (runs started by these very events are not cancelled by them)
      const { rows: active } = await db.query<{ id: string; event: InngestEvent; created_at: Date }>(
        "SELECT id, event, created_at FROM executor.runs WHERE function_id = $1 AND status IN ('Queued', 'Running') AND NOT (event_id = ANY($2))",
        [fn.id, events.map((e) => e.id)],
      );
      for (const run of active) {
        for (const rule of rules) {
          if (rule.timeoutMs !== undefined && Date.now() > run.created_at.getTime() + rule.timeoutMs) continue;
          const ev = events.find((e) => e.name === rule.event && exprTrue(rule.if, { event: run.event, async: e }));
          if (ev) {
            await runs.cancelRun(run.id, `cancelled by event "${ev.name}" (${ev.id})`);
            break;
          }
        }
      }
    }
  }
}
