// Synced apps and their functions: the SDK's register call, and the in-memory copy every part reads.
import { cronNext, parseFunctionConfig, SyncError, type FnDef } from "./config";
import { withTransaction, type Db } from "./db";
import type { Log } from "./types";
import { hashSigningKey } from "./util";

export class FunctionRegistry {
  fns = new Map<string, FnDef>();
  private version = "";

  constructor(private o: { db: Db; signingKey?: string; log: Log }) {}

  async load(): Promise<void> {
    const { rows } = await this.o.db.query<{ config: FnDef }>("SELECT config FROM executor.functions");
    const m = new Map<string, FnDef>();
    for (const r of rows) m.set(r.config.id, r.config);
    this.fns = m;
  }

  /** A function by id; reloads once when unknown (another process, or a sync since our last load). */
  async get(id: string): Promise<FnDef | undefined> {
    let fn = this.fns.get(id);
    if (!fn) {
      await this.load();
      fn = this.fns.get(id);
    }
    return fn;
  }

  /** Reloads when another executor process synced apps since our last load (one cheap statement). */
  async refreshIfChanged(): Promise<void> {
    const { rows } = await this.o.db.query<{ v: string }>(
      "SELECT count(*) || '/' || coalesce(max(updated_at)::text, '') AS v FROM executor.functions",
    );
    const v = rows[0]?.v ?? "";
    if (v !== this.version) {
      await this.load();
      this.version = v;
    }
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
    await withTransaction(
      this.o.db,
      async (client) => {
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
          await client.query("INSERT INTO executor.crons (function_id, expr, next_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING", [
            c.fn,
            c.expr,
            cronNext(c.expr, new Date()),
          ]);
        }
      },
      this.o.log,
    );
    await this.load();
    this.o.log(`executor: synced app "${appId}" (${defs.length} functions) from ${url}`);
    return { status: 200, body: { status: 200, modified: true } };
  }
}
