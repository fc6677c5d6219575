import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmbeddedPostgres, type EmbeddedPostgres } from "../../executor/src/embedded-postgres";
import { type Executor, startExecutor } from "../../executor/src/index";
import { loadOrCreateSecrets } from "../../scripts/embedded/secrets";
import { tempDir } from "../scoring/helpers";

// The embedded default's local services as `npm run dev` starts them (secrets generated into the
// data dir): a hostile caller on the machine, without those secrets, gets nothing from the
// database nor from the executor's API, and cannot make the executor call a URL of its choosing.
// (executor/test keeps its own, lower-level checks of both.)
const tmp = tempDir("local-services");
let database: EmbeddedPostgres;
let executor: Executor;
let secrets: ReturnType<typeof loadOrCreateSecrets>;

beforeAll(async () => {
  secrets = loadOrCreateSecrets(path.join(tmp.dir, "data"));
  database = await startEmbeddedPostgres({ dataDir: path.join(tmp.dir, "data", "pg"), password: secrets.EMBEDDED_PG_PASSWORD });
  executor = await startExecutor({
    port: 0,
    host: "127.0.0.1",
    databaseUrl: database.url,
    signingKey: secrets.INNGEST_SIGNING_KEY,
    eventKey: secrets.INNGEST_EVENT_KEY,
    log: () => {},
  });
});

afterAll(async () => {
  await executor?.stop();
  await database?.stop();
  tmp.cleanup();
});

async function connect(url: string): Promise<string> {
  const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  try {
    await c.connect();
    const { rows } = await c.query("SELECT count(*)::int AS n FROM pg_catalog.pg_tables");
    return `connected (${rows[0].n} tables)`;
  } catch (e) {
    return `refused: ${(e as Error).message}`;
  } finally {
    await c.end().catch(() => undefined);
  }
}

describe("hostile: the embedded PostgreSQL without its password", () => {
  it("refuses the usual guesses and no password, and keeps serving the server", async () => {
    const port = new URL(database.url).port;
    for (const guess of [
      `postgres://postgres:postgres@127.0.0.1:${port}/postgres`,
      `postgres://postgres@127.0.0.1:${port}/postgres`,
      `postgres://batchpoint:batchpoint@127.0.0.1:${port}/postgres`,
      `postgres://postgres:${secrets.INNGEST_EVENT_KEY}@127.0.0.1:${port}/postgres`,
    ]) {
      expect(await connect(guess), guess).toMatch(/^refused: /);
    }
    expect(await connect(database.url)).toMatch(/^connected \(\d+ tables\)$/);
  });
});

describe("hostile: the executor's API without the signing key", () => {
  it("answers 401 on every route and calls no URL of the caller's", async () => {
    let calls = 0;
    const trap = createServer((_req, res) => {
      calls++;
      res.end("{}");
    });
    await new Promise<void>((r) => trap.listen(0, "127.0.0.1", () => r()));
    const trapUrl = `http://127.0.0.1:${(trap.address() as AddressInfo).port}/api/inngest`;
    try {
      const routes: [string, string, unknown?][] = [
        ["GET", "/v1/runs"],
        ["GET", "/v1/runs/01JXXXXXXXXXXXXXXXXXXXXXXX"],
        ["GET", "/v1/events/some-event/runs"],
        ["POST", "/v1/runs/01JXXXXXXXXXXXXXXXXXXXXXXX/cancel", {}],
        ["GET", "/v1/functions"],
        ["POST", "/v1/apps/sync", { url: trapUrl }],
        ["POST", "/fn/register", { url: trapUrl, functions: [] }],
      ];
      for (const authorization of [undefined, "Bearer guess", `Bearer ${secrets.INNGEST_SIGNING_KEY}`]) {
        for (const [method, route, body] of routes) {
          const res = await fetch(`${executor.url}${route}`, {
            method,
            headers: { ...(authorization ? { authorization } : {}), "content-type": "application/json" },
            body: body === undefined ? undefined : JSON.stringify(body),
          });
          const text = await res.text();
          expect(`${method} ${route} ${res.status}`).toBe(`${method} ${route} 401`);
          expect(text).not.toContain(secrets.INNGEST_SIGNING_KEY);
        }
      }
      // An event with a guessed key is refused too (the executor would start runs with it).
      const event = await fetch(`${executor.url}/e/guess`, {
        method: "POST",
        body: JSON.stringify({ name: "batch/job.requested", data: {} }),
      });
      expect(event.status).toBe(401);
      expect(calls).toBe(0);
      // The health check says it is up, and nothing more.
      expect(await (await fetch(`${executor.url}/health`)).json()).toEqual({ status: "ok" });
    } finally {
      trap.close();
    }
  });
});
