import pg from "pg";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { startEmbeddedPostgres, type EmbeddedPostgres } from "../src/embedded-postgres";

// pglite-socket accepts any user and password; startEmbeddedPostgres puts an md5 password
// handshake in front of it (src/pg-password-gate.mjs). A client without the password gets nothing.
async function tryConnect(url: string): Promise<string> {
  const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  try {
    await c.connect();
    const { rows } = await c.query("SELECT count(*)::int AS n FROM pg_catalog.pg_tables");
    return `connected ${rows[0].n >= 0}`;
  } catch (e) {
    return `refused: ${(e as Error).message}`;
  } finally {
    await c.end().catch(() => undefined);
  }
}

for (const worker of [false, true]) {
  describe(`embedded PostgreSQL authentication (worker: ${worker})`, () => {
    let db: EmbeddedPostgres;
    beforeAll(async () => {
      db = await startEmbeddedPostgres({ worker, password: "s3cret-pass" });
    });
    afterAll(async () => {
      await db?.stop();
    });

    test("the URL it returns carries the password and works", async () => {
      expect(new URL(db.url).password).toBe("s3cret-pass");
      expect(await tryConnect(db.url)).toBe("connected true");
    });

    test("a wrong password is refused", async () => {
      const u = new URL(db.url);
      u.password = "guess";
      expect(await tryConnect(u.toString())).toBe('refused: password authentication failed for user "postgres"');
    });

    test("no password is refused", async () => {
      const u = new URL(db.url);
      u.password = "";
      u.username = "other";
      const out = await tryConnect(u.toString());
      expect(out).toMatch(/^refused: /);
      expect(out).not.toMatch(/connected/);
    });

    test("the database keeps serving authenticated clients after refusals", async () => {
      const pool = new pg.Pool({ connectionString: db.url, max: 4 });
      try {
        const results = await Promise.all(Array.from({ length: 20 }, (_, i) => pool.query("SELECT $1::int * 2 AS v", [i])));
        expect(results.map((r) => r.rows[0].v)).toEqual(Array.from({ length: 20 }, (_, i) => i * 2));
      } finally {
        await pool.end();
      }
    });
  });
}

test("without a password option a random one is generated per start", async () => {
  const db = await startEmbeddedPostgres({});
  try {
    expect(new URL(db.url).password).toMatch(/^[0-9a-f]{48}$/);
    const u = new URL(db.url);
    u.password = "postgres";
    expect(await tryConnect(u.toString())).toMatch(/^refused: password authentication failed/);
    expect(await tryConnect(db.url)).toBe("connected true");
  } finally {
    await db.stop();
  }
});
