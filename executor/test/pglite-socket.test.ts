import pg from "pg";
import { expect, test } from "vitest";
import { startEmbeddedPostgres } from "../src/embedded-postgres";

// pglite-socket 0.2 interleaves the extended-protocol messages of concurrent connections; with a
// large Bind split over TCP chunks another connection's Parse replaced the unnamed statement and the
// query failed or silently ran the other connection's SQL. startEmbeddedPostgres patches that
// (src/pglite-socket-fix.mjs). Without the patch this test sees wrong results or bind errors.
for (const worker of [false, true]) {
  test(`concurrent connections with large parameters get their own results (worker: ${worker})`, async () => {
    const e = await startEmbeddedPostgres({ worker });
    const pool = new pg.Pool({ connectionString: e.url, max: 10 });
    try {
      const big = "x".repeat(300_000);
      let wrong = 0;
      const errors: string[] = [];
      await Promise.all(
        Array.from({ length: 300 }, (_, i) => {
          const p =
            i % 3 === 0
              ? pool.query("SELECT $1::int + 0*length($2::text) AS a", [i, big])
              : i % 3 === 1
                ? pool.query("SELECT $1::int * 1000 + 0*length($2::text) AS a", [i, "y"])
                : pool.query("SELECT $1::int * 7 + 0*$2::int + 0*$3::int AS a", [i, 1, 2]);
          const expected = i % 3 === 0 ? i : i % 3 === 1 ? i * 1000 : i * 7;
          return p.then((r) => void (r.rows[0].a !== expected && wrong++)).catch((err) => void errors.push(err.message));
        }),
      );
      expect(errors).toEqual([]);
      expect(wrong).toBe(0);
    } finally {
      await pool.end();
      await e.stop();
    }
  });
}
