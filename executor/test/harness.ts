import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Inngest } from "inngest";
import { serve } from "inngest/node";
import pg from "pg";
import { startEmbeddedPostgres, type EmbeddedPostgres } from "../src/embedded-postgres";
import { startExecutor, type Executor, type ExecutorOptions } from "../src/index";
import { hashSigningKey } from "../src/util";

/**
 * Engine under test. EXECUTOR_CONFORMANCE_URL points the suite at another engine (e.g. a real
 * `inngest dev`); otherwise the embedded executor runs on PGlite (or EXECUTOR_TEST_DATABASE_URL).
 */
export const EXTERNAL_URL = process.env.EXECUTOR_CONFORMANCE_URL;

let announced = false;
export function announce(): void {
  if (announced) return;
  announced = true;
  if (EXTERNAL_URL) console.log(`[executor conformance] running against ${EXTERNAL_URL}`);
  else
    console.log(
      "[executor conformance] EXECUTOR_CONFORMANCE_URL not set (no `inngest` dev-server binary can be installed on this machine): running against the embedded executor" +
        (process.env.EXECUTOR_TEST_DATABASE_URL ? " on PostgreSQL" : " on PGlite"),
    );
}

export interface Engine {
  url: string;
  /** Headers the API needs (signed mode: the hashed signing key). */
  apiHeaders?: Record<string, string>;
  databaseUrl?: string;
  executor?: Executor;
  sync(url: string): Promise<void>;
  restart?(opts?: { crash?: boolean; overrides?: Partial<ExecutorOptions> }): Promise<void>;
  stop(): Promise<void>;
}

export const fastOptions: Partial<ExecutorOptions> = { retryBaseMs: 100, retryMaxMs: 800, pollMs: 20, leaseMs: 3000, drainMs: 5000 };

export async function startEngine(overrides: Partial<ExecutorOptions> = {}): Promise<Engine> {
  announce();
  if (EXTERNAL_URL) {
    return {
      url: EXTERNAL_URL,
      async sync(url) {
        // a PUT on the serve URL makes the SDK register with its INNGEST_BASE_URL (= the engine)
        const res = await fetch(url, { method: "PUT" });
        if (res.status !== 200) throw new Error(`sync failed (${res.status}): ${await res.text()}`);
      },
      async stop() {},
    };
  }
  let pglite: EmbeddedPostgres | undefined;
  let databaseUrl = process.env.EXECUTOR_TEST_DATABASE_URL;
  let schemaReset: (() => Promise<void>) | undefined;
  if (!databaseUrl) {
    pglite = await startEmbeddedPostgres({});
    databaseUrl = pglite.url;
  } else {
    schemaReset = async () => {
      const c = new pg.Client({ connectionString: databaseUrl });
      await c.connect();
      await c.query("DROP SCHEMA IF EXISTS executor CASCADE");
      await c.end();
    };
    await schemaReset();
  }
  const logs: string[] = [];
  const opts: ExecutorOptions = {
    port: 0,
    databaseUrl,
    log: (l) => logs.push(l),
    ...fastOptions,
    ...(process.env.EXECUTOR_TEST_ASYNC_COMMIT === "1" ? { asyncCommit: true } : {}),
    ...overrides,
  };
  let executor = await startExecutor(opts);
  const engine: Engine = {
    url: executor.url,
    apiHeaders: apiHeadersFor(opts.signingKey),
    databaseUrl,
    executor,
    sync: (url) => engine.executor!.syncApp(url),
    async restart({ crash, overrides: o } = {}) {
      if (crash) await engine.executor!.abort();
      else await engine.executor!.stop();
      executor = await startExecutor({ ...opts, port: executor.port, ...o });
      engine.executor = executor;
    },
    async stop() {
      await engine.executor!.stop();
      await pglite?.stop();
    },
  };
  return engine;
}

/** The API's credentials in signed mode: what the SDK itself sends (`Bearer <hashed signing key>`). */
export function apiHeadersFor(signingKey: string | undefined): Record<string, string> {
  return signingKey ? { authorization: `Bearer ${hashSigningKey(signingKey)}` } : {};
}

export interface App {
  url: string;
  client: Inngest;
  close(): Promise<void>;
}

/** Serve functions with the real SDK serve() on loopback and sync them to the engine. */
export async function serveApp(
  engine: Engine,
  id: string,
  build: (client: Inngest) => unknown[],
  clientOpts: Record<string, unknown> = {},
  { sync = true }: { sync?: boolean } = {},
): Promise<App> {
  const client = new Inngest({ id, baseUrl: engine.url, isDev: true, checkpointing: false, ...clientOpts } as ConstructorParameters<
    typeof Inngest
  >[0]);
  const functions = build(client);
  const handler = serve({ client, functions: functions as never });
  const server: Server = createServer(handler);
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/inngest`;
  if (sync) await engine.sync(url);
  return {
    url,
    client,
    close: () =>
      new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      }),
  };
}

export async function send(engine: Engine, events: unknown, key = "test"): Promise<{ status: number; body: any }> {
  const res = await fetch(`${engine.url}/e/${key}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(events),
  });
  return { status: res.status, body: await res.json().catch(() => null) };
}

export async function runsFor(engine: Engine, eventId: string): Promise<any[]> {
  const res = await fetch(`${engine.url}/v1/events/${encodeURIComponent(eventId)}/runs`, { headers: engine.apiHeaders });
  return ((await res.json()) as { data: any[] }).data;
}

export async function getRun(engine: Engine, runId: string): Promise<any> {
  const res = await fetch(`${engine.url}/v1/runs/${encodeURIComponent(runId)}`, { headers: engine.apiHeaders });
  return ((await res.json()) as { data: any }).data;
}

export async function listRuns(engine: Engine, q: Record<string, string>): Promise<any[]> {
  const res = await fetch(`${engine.url}/v1/runs?${new URLSearchParams(q)}`, { headers: engine.apiHeaders });
  return ((await res.json()) as { data: any[] }).data;
}

/**
 * How long a wait may take before the test fails. Not a guess of how long the work takes: tests wait
 * for the condition (an event, a state) and this only bounds a hang, so it is long enough for a
 * machine at load 10-20. EXECUTOR_TEST_WAIT_MS overrides it.
 */
export const TEST_WAIT_MS = Number(process.env.EXECUTOR_TEST_WAIT_MS) || 120_000;
/** Test timeout for the executor's integration tests that wait on several runs (beyond the config's 60 s). */
export const TEST_TIMEOUT_MS = 3 * TEST_WAIT_MS;

export async function waitFor<T>(
  fn: () => Promise<T | undefined | null | false>,
  timeoutMs = TEST_WAIT_MS,
  what = "condition",
): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Wait for the (single) run of an event to reach a terminal status. */
export async function finishedRun(engine: Engine, eventId: string, timeoutMs = TEST_WAIT_MS): Promise<any> {
  const run = await waitFor(
    async () => {
      const runs = await runsFor(engine, eventId);
      return runs.find((r) => ["Completed", "Failed", "Cancelled"].includes(r.status));
    },
    timeoutMs,
    `run of event ${eventId} to finish`,
  );
  return getRun(engine, run.id);
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
