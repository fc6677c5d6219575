import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import pg from "pg";
import { afterAll, beforeAll, expect, it } from "vitest";
import { type EmbeddedPostgres, startEmbeddedPostgres } from "../../executor/src/embedded-postgres";
import { type Executor, startExecutor } from "../../executor/src/index";
import { applyMigrations } from "../../prisma/migrate";
import { until } from "../webhooks/helpers";

// The two every-minute crons of an idle server (no open job, no scheduled definition) finish without a
// step: one SDK call each instead of two, which is most of what an idle stack spends each minute. With
// work to do they still take their steps. A database of its own: the slot's may hold other files' open jobs.
let database: EmbeddedPostgres;
let executor: Executor;
let server: Server;
let sql: pg.Client;

beforeAll(async () => {
  database = await startEmbeddedPostgres({});
  await applyMigrations(database.url, () => {});
  executor = await startExecutor({ port: 0, databaseUrl: database.url, log: () => {} });
  Object.assign(process.env, { DATABASE_URL: database.url, INNGEST_BASE_URL: executor.url, INNGEST_DEV: "1" });
  delete process.env.INNGEST_SIGNING_KEY;
  delete process.env.INNGEST_EVENT_KEY;
  const { serve } = await import("inngest/node");
  const { inngest } = await import("@/lib/events/client");
  const { functions } = await import("@/inngest/functions");
  const handler = serve({ client: inngest, functions });
  server = createServer((req, res) => void handler(req, res));
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  await executor.syncApp(`http://127.0.0.1:${(server.address() as AddressInfo).port}/api/inngest`);
  sql = new pg.Client({ connectionString: database.url });
  await sql.connect();
});

afterAll(async () => {
  await sql?.end();
  server?.close();
  server?.closeAllConnections();
  await executor?.stop();
  await database?.stop();
});

type Run = { id: string; status: string; output: unknown; steps: { name: string }[] };

/** Makes the cron of `fn` due now and returns its next completed run, with its steps. */
async function fireCron(fn: string): Promise<Run> {
  const fnId = `batchpoint-${fn}`;
  const seen = new Set((await sql.query("SELECT id FROM executor.runs WHERE function_id = $1", [fnId])).rows.map((r) => r.id));
  await sql.query("UPDATE executor.crons SET next_at = now() WHERE function_id = $1", [fnId]);
  const id = await until(
    async () => {
      const { rows } = await sql.query("SELECT id FROM executor.runs WHERE function_id = $1 AND status IN ('Completed', 'Failed')", [fnId]);
      return rows.map((r) => r.id as string).find((r) => !seen.has(r));
    },
    undefined,
    `a new run of ${fn}`,
  );
  const res = await fetch(`${executor.url}/v1/runs/${id}`);
  return ((await res.json()) as { data: Run }).data;
}

it("idle: the reconciler and the scheduler finish their minute without a step", async () => {
  const reconcile = await fireCron("reconcile-jobs");
  expect(reconcile).toMatchObject({ status: "Completed", output: { repaired: 0 } });
  expect(reconcile.steps).toEqual([]);
  const schedule = await fireCron("schedule-job-definitions");
  expect(schedule).toMatchObject({ status: "Completed", output: { due: 0 } });
  expect(schedule.steps).toEqual([]);
});

it("with a stalled job the reconciler still takes its step and repairs it", async () => {
  const { createUserWithWorkspace } = await import("../support/factories");
  const { workspace } = await createUserWithWorkspace("idle-crons");
  const { db } = await import("@/lib/db");
  const old = new Date(Date.now() - 10 * 60_000);
  await db.job.create({
    data: {
      workspaceId: workspace.id,
      name: "stalled-job",
      endpointName: "gone",
      deploymentName: "gone",
      deploymentVersion: 1,
      inputs: {},
      settings: {},
      outputPath: "out/",
      outputFileName: "predictions.csv",
      status: "queued",
      createdAt: old,
    },
  });
  const reconcile = await fireCron("reconcile-jobs");
  expect(reconcile).toMatchObject({ status: "Completed", output: { repaired: 1 } });
  expect(reconcile.steps.map((s) => s.name)).toContain("find-stalled");
});
