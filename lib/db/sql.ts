import "server-only";
import pg from "pg";
import { getEnv } from "@/lib/env";

const globalForSql = globalThis as unknown as { batchpointSql?: pg.Pool };

/**
 * A small raw `pg` pool on the same DATABASE_URL as the Prisma client (lib/db.ts), for the few
 * statements on the scoring hot path (lane claims and records, docs/decisions/0023), where Prisma's
 * per-query cost shows in the profile. Everything else uses Prisma. Created on first use.
 */
export function sql(): pg.Pool {
  if (!globalForSql.batchpointSql) {
    const pool = new pg.Pool({ connectionString: getEnv().DATABASE_URL, max: 4, idleTimeoutMillis: 30_000 });
    // An idle client that loses its connection (a database restart) is dropped, not thrown.
    pool.on("error", () => {});
    globalForSql.batchpointSql = pool;
  }
  return globalForSql.batchpointSql;
}
