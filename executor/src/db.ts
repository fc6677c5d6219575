import pg from "pg";
import { FUNCTIONS_SQL, MIGRATIONS } from "./schema";

// bigint (int8) columns come back as strings by default; our ids/counters fit in a double.
pg.types.setTypeParser(20, (v) => Number(v));

export type Db = pg.Pool;

export function createPool(databaseUrl: string, max = 10, asyncCommit = false): Db {
  const pool = new pg.Pool({
    connectionString: databaseUrl,
    max,
    idleTimeoutMillis: 30_000,
    // asyncCommit: the executor's bookkeeping does not wait for the WAL flush (see README);
    // event ingestion still commits synchronously (SET LOCAL in its transaction).
    ...(asyncCommit ? { options: "-c synchronous_commit=off" } : {}),
  });
  pool.on("error", () => {
    /* a dropped idle connection; the next query reconnects */
  });
  return pool;
}

/** Create the `executor` schema and apply pending migrations (idempotent, safe with concurrent starters). */
export async function migrate(db: Db): Promise<void> {
  const client = await db.connect();
  try {
    await client.query("BEGIN");
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
    await client.query("COMMIT");
  } catch (e) {
    await client.query("ROLLBACK").catch(() => {});
    throw e;
  } finally {
    client.release();
  }
}
