import { randomBytes } from "node:crypto";
import pg from "pg";

/**
 * The PostgreSQL server the tests that need real concurrency use (PGlite serves one connection at a
 * time): FAULTS_POSTGRES_URL, else TEST_DATABASE_URL, else the machine's own server on 127.0.0.1:5432.
 */
export const POSTGRES_SERVER_URL =
  process.env.FAULTS_POSTGRES_URL || process.env.TEST_DATABASE_URL || "postgresql://postgres@127.0.0.1:5432/postgres";

/** Whether the server answers; when it does not, says how to point the tests at one. */
export async function postgresReachable(url = POSTGRES_SERVER_URL) {
  const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  try {
    await c.connect();
    await c.end();
    return true;
  } catch (e) {
    console.warn(
      `PostgreSQL at ${new URL(url).host} did not answer (${(e as Error).message}); set FAULTS_POSTGRES_URL to run these tests.`,
    );
    return false;
  }
}

/** A throwaway database on the server of `serverUrl`. */
export async function scratchPostgresDatabase(serverUrl = POSTGRES_SERVER_URL) {
  const name = `batchpoint_scratch_${Date.now()}_${randomBytes(3).toString("hex")}`;
  const admin = async <T>(fn: (c: pg.Client) => Promise<T>) => {
    const c = new pg.Client({ connectionString: serverUrl });
    await c.connect();
    try {
      return await fn(c);
    } finally {
      await c.end();
    }
  };
  await admin((c) => c.query(`CREATE DATABASE "${name}"`));
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    /** Ends every connection to this database, as a database restart would. */
    dropConnections: () =>
      admin((c) =>
        c.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()", [name]),
      ),
    drop: () => admin((c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)),
  };
}
