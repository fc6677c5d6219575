// Cron triggers: each due tick is claimed, its event stored and its run created in one transaction,
// so a tick fires once across executor processes.
import { cronNext } from "./config";
import { withTransaction, type Db } from "./db";
import type { FunctionRegistry } from "./functions";
import type { Runs } from "./runs";
import type { InngestEvent, Lifecycle, Log, Waker } from "./types";

export async function cronTick(o: { db: Db; fns: FunctionRegistry; runs: Runs; waker: Waker; life: Lifecycle; log: Log }): Promise<void> {
  if (o.life.dead || o.life.stopping) return;
  try {
    const { rows } = await o.db.query<{ function_id: string; expr: string; next_at: Date }>(
      "SELECT function_id, expr, next_at FROM executor.crons WHERE next_at <= now()",
    );
    for (const c of rows) {
      const fn = await o.fns.get(c.function_id);
      const next = cronNext(c.expr, new Date(Math.max(Date.now(), c.next_at.getTime())));
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
  } catch (e) {
    if (!o.life.dead) o.log(`executor: cron tick failed: ${(e as Error).message}`);
  }
}
