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

// The patch also hands PGlite a connection's Parse..Sync as one run of messages (issue 13). A run
// that fails part-way must skip to its Sync as a server does, named statements must be reusable,
// and a query read in pages (Execute with a row limit, then Flush, no Sync yet) must get its rows.
for (const worker of [false, true]) {
  test(`grouped extended-protocol messages answer as a server does (worker: ${worker})`, async () => {
    const e = await startEmbeddedPostgres({ worker });
    const client = new pg.Client({ connectionString: e.url });
    await client.connect();
    try {
      await expect(client.query("SELECT nope FROM pg_class WHERE oid = $1", [1])).rejects.toThrow(/column "nope" does not exist/);
      expect((await client.query("SELECT $1::int + 1 AS a", [41])).rows).toEqual([{ a: 42 }]);
      // Prepared once (Parse), then only Bind/Execute: the second and third runs reuse the statement.
      for (const n of [1, 2, 3])
        expect((await client.query({ name: "twice", text: "SELECT $1::int * 2 AS a", values: [n] })).rows).toEqual([{ a: n * 2 }]);
      // A transaction of extended statements, and one that fails and is rolled back.
      await client.query("CREATE TEMP TABLE t (a int)");
      await client.query("BEGIN");
      await client.query("INSERT INTO t VALUES ($1)", [1]);
      await client.query("COMMIT");
      await client.query("BEGIN");
      await client.query("INSERT INTO t VALUES ($1)", [2]);
      await expect(client.query("INSERT INTO t VALUES ($1::int)", ["x"])).rejects.toThrow(/invalid input syntax/);
      await client.query("ROLLBACK");
      expect((await client.query("SELECT a FROM t ORDER BY a")).rows).toEqual([{ a: 1 }]);
      // Paged: pg sends Execute(rows: 2) + Flush and asks again on each PortalSuspended.
      const paged = new pg.Query({ text: "SELECT g FROM generate_series(1, $1::int) AS g", values: [5], rows: 2 } as never);
      const rows: number[] = [];
      paged.on("row", (r: { g: number }) => rows.push(r.g));
      await new Promise<void>((resolve, reject) => {
        paged.on("end", () => resolve());
        paged.on("error", reject);
        client.query(paged);
      });
      expect(rows).toEqual([1, 2, 3, 4, 5]);
      expect((await client.query("SELECT 'after' AS a")).rows).toEqual([{ a: "after" }]);
    } finally {
      await client.end();
      await e.stop();
    }
  });
}
