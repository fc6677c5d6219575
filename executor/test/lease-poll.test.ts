import pg from "pg";
import { afterAll, beforeAll, expect, test } from "vitest";
import { EXTERNAL_URL, finishedRun, listRuns, send, serveApp, sleep, startEngine, waitFor, type App, type Engine } from "./harness";

// While a long step is in flight the executor has nothing to lease: its end, local enqueues and
// scheduled wakes end the loop's sleep at once, so the loop backs off to pollMs instead of re-reading
// lease_items every 50 ms (a scoring lane's 30 s step used to cost ~600 empty lease statements).

const POLL_MS = 1000;
let engine: Engine;
let app: App;
let release: () => void = () => {};
const held = new Promise<void>((r) => (release = r));
let entered = false;

beforeAll(async () => {
  engine = await startEngine({ pollMs: POLL_MS });
  app = await serveApp(engine, "lease-poll", (c) => [
    c.createFunction({ id: "long-step", triggers: [{ event: "t/long" }] }, async ({ step }) => {
      await step.run("held", async () => {
        entered = true;
        await held;
        return "released";
      });
      return "done";
    }),
    c.createFunction({ id: "nightly", triggers: [{ cron: "0 3 * * *" }] }, async ({ event }) => ({
      cron: (event.data as { cron?: string }).cron,
    })),
  ]);
});

afterAll(async () => {
  release();
  await app?.close();
  await engine?.stop();
});

test.skipIf(!!EXTERNAL_URL)("a step in flight does not keep the lease poll fast; its end is picked up at once", async () => {
  await send(engine, [{ name: "t/long", data: {}, id: "long-1" }]);
  await waitFor(async () => entered, undefined, "the step to start");
  const before = engine.executor!.stats().leases;
  const t0 = Date.now();
  // The window to observe, not a guess of how long work takes: the step stays in flight until released.
  await sleep(3000);
  const leases = engine.executor!.stats().leases - before;
  const elapsed = Date.now() - t0;
  // Backing off from 50 ms to pollMs: 50+100+200+400+800 ms, then one per second. A 50 ms poll would be ~60.
  expect(leases).toBeLessThanOrEqual(6 + Math.ceil(elapsed / POLL_MS));
  release();
  const run = await finishedRun(engine, "long-1");
  expect(run.status).toBe("Completed");
  expect(run.output).toBe("done");
});

// The cron scheduler sleeps until the next tick is due instead of reading executor.crons every second;
// the lease poll reads the next due time in its own statement, so a change made by another process
// (here: another connection making the tick due now) is still picked up within a poll.
test.skipIf(!!EXTERNAL_URL)("an idle executor does not poll the cron table; a tick made due elsewhere fires within a poll", async () => {
  const before = engine.executor!.stats().cronChecks;
  await sleep(3000); // the window to observe: nothing is due for hours
  // A 1 s cron poll would read it 3 times; the scheduler's own fallback re-read is a minute apart.
  expect(engine.executor!.stats().cronChecks - before).toBeLessThanOrEqual(1);
  const c = new pg.Client({ connectionString: engine.databaseUrl });
  await c.connect();
  try {
    await c.query("UPDATE executor.crons SET next_at = now() WHERE function_id = 'lease-poll-nightly'");
  } finally {
    await c.end();
  }
  const runs = await waitFor(
    async () => {
      const r = await listRuns(engine, { function: "lease-poll-nightly", status: "Completed" });
      return r.length ? r : null;
    },
    undefined,
    "the cron run",
  );
  expect(runs).toHaveLength(1);
  expect(runs[0].output).toEqual({ cron: "0 3 * * *" });
});
