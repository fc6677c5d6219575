import pg from "pg";
import { FUNCTIONS_SQL, MIGRATIONS } from "./schema";
import type { Log } from "./types";

// bigint (int8) columns come back as strings by default; our ids/counters fit in a double.
pg.types.setTypeParser(20, (v) => Number(v));

export type Db = pg.Pool;
/** Anything that runs a query: the pool, or one client inside a transaction. */
export type Queryable = Pick<pg.Pool, "query">;

export function createPool(databaseUrl: string, opts: { max?: number; asyncCommit?: boolean; log?: Log } = {}): Db {
  const pool = new pg.Pool({
    connectionString: databaseUrl,
    max: opts.max ?? 10,
    idleTimeoutMillis: 30_000,
    // asyncCommit: the executor's bookkeeping does not wait for the WAL flush (see README);
    // event ingestion still commits synchronously (SET LOCAL in its transaction).
    ...(opts.asyncCommit ? { options: "-c synchronous_commit=off" } : {}),
  });
  // An idle connection dropped by the server; the next query reconnects.
  pool.on("error", (e) => opts.log?.(`executor: idle database connection dropped: ${e.message}`));
  return pool;
}

/**
 * Runs `fn` in one transaction on one client: BEGIN, COMMIT, or ROLLBACK and rethrow. A failed
 * ROLLBACK (the connection is gone) is logged; the original error is what the caller sees.
 */
export async function withTransaction<T>(db: Db, fn: (client: pg.PoolClient) => Promise<T>, log?: Log): Promise<T> {
  const client = await db.connect();
  try {
    await client.query("BEGIN");
    const out = await fn(client);
    await client.query("COMMIT");
    return out;
  } catch (e) {
    await client.query("ROLLBACK").catch((r: Error) => log?.(`executor: rollback failed: ${r.message}`));
    throw e;
  } finally {
    client.release();
  }
}

/** Create the `executor` schema and apply pending migrations (idempotent, safe with concurrent starters). */
export async function migrate(db: Db): Promise<void> {
  await withTransaction(db, async (client) => {
    await client.query("SELECT pg_advisory_xact_lock(7288100)");
    await client.query("CREATE SCHEMA IF NOT EXISTS executor");
    await client.query(
      "CREATE TABLE IF NOT EXISTS executor.migrations (id int PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())",
    );
    const { rows } = await client.query<{ id: number }>("SELECT id FROM executor.migrations");
    const done = new Set(rows.map((r) => r.id));
    for (const m of MIGRATIONS) {
      if (done.has(m.id)) continue;
      await client.query(m.sql);
      await client.query("INSERT INTO executor.migrations (id) VALUES ($1)", [m.id]);
    }
    await client.query(FUNCTIONS_SQL);
  });
}
