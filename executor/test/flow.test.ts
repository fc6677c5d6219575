import { afterAll, beforeAll, describe, expect, test } from "vitest";
import pg from "pg";
import {
  EXTERNAL_URL,
  finishedRun,
  getRun,
  listRuns,
  runsFor,
  send,
  serveApp,
  sleep,
  startEngine,
  TEST_TIMEOUT_MS,
  TEST_WAIT_MS,
  waitFor,
  type App,
  type Engine,
} from "./harness";

// Flow control: concurrency keys (limits steps, not runs), cancelOn (match / if), the cancel API,
// timeouts.start / timeouts.finish, idempotency, event id dedupe, cron, onFailure and the
// inngest/function.failed / .finished events, and the runs API.

let engine: Engine;
let app: App;
const executing: Record<string, number> = {};
const maxExecuting: Record<string, number> = {};
let globalExecuting = 0;
let globalMax = 0;
const seen: Record<string, unknown[]> = {};
function note(k: string, v: unknown) {
  (seen[k] ??= []).push(v);
}

beforeAll(async () => {
  engine = await startEngine();
  app = await serveApp(engine, "flow", (c) => [
    c.createFunction(
      { id: "per-user", concurrency: { limit: 2, key: "event.data.user" }, triggers: [{ event: "f/conc" }] },
      async ({ event, step }) => {
        await step.run("work", async () => {
          const u = event.data.user as string;
          executing[u] = (executing[u] ?? 0) + 1;
          maxExecuting[u] = Math.max(maxExecuting[u] ?? 0, executing[u]);
          globalExecuting++;
          globalMax = Math.max(globalMax, globalExecuting);
          // Wait for a second step of the same key to start (an event, not a stopwatch: on a busy machine
          // two 150 ms steps need not overlap). If the limit wrongly allowed one only, this gives up after
          // 3 s and the max of 1 fails the test; if it allowed more, a third step shows up in the max.
          for (const until = Date.now() + 3000; executing[u] < 2 && Date.now() < until; ) await sleep(10);
          await sleep(150);
          executing[u]--;
          globalExecuting--;
        });
      },
    ),
    c.createFunction({ id: "steps-not-runs", concurrency: 1, triggers: [{ event: "f/snr" }] }, async ({ event, step }) => {
      await step.run("first", () => note("snr", `${event.data.n}:first`));
      await step.sleep("pause", "1s");
      await step.run("second", () => note("snr", `${event.data.n}:second`));
    }),
    c.createFunction(
      {
        id: "cancellable",
        cancelOn: [
          { event: "f/order.cancelled", match: "data.orderId" },
          { event: "f/stop-all", if: "async.data.reason == 'maintenance'" },
        ],
        triggers: [{ event: "f/order" }],
      },
      async ({ event, step }) => {
        await step.run("before", () => note("cancel", `${event.data.orderId}:before`));
        await step.sleep("wait", "1s");
        await step.run("after", () => note("cancel", `${event.data.orderId}:after`));
        return "done";
      },
    ),
    c.createFunction({ id: "long-sleep", triggers: [{ event: "f/long" }] }, async ({ event, step }) => {
      await step.run("before", () => note("api-cancel", `${event.data.k}:before`));
      await step.sleep("long", "30s");
      await step.run("after", () => note("api-cancel", `${event.data.k}:after`));
    }),
    c.createFunction({ id: "finish-timeout", timeouts: { finish: "1s" }, triggers: [{ event: "f/finish-timeout" }] }, async ({ step }) => {
      await step.run("before", () => note("finish-timeout", "before"));
      await step.sleep("long", "3s");
      await step.run("after", () => note("finish-timeout", "after"));
    }),
    c.createFunction(
      { id: "start-timeout", concurrency: 1, timeouts: { start: "400ms" as "1s" }, triggers: [{ event: "f/start-timeout" }] },
      async ({ event, step }) => {
        await step.run("slow", async () => {
          note("start-timeout", event.data.n);
          await sleep(1200);
        });
      },
    ),
    c.createFunction({ id: "idem", idempotency: "event.data.userId", triggers: [{ event: "f/idem" }] }, async ({ event, step }) => {
      await step.run("once", () => note("idem", event.data.userId));
    }),
    c.createFunction({ id: "dedupe", triggers: [{ event: "f/dedupe" }] }, async ({ event, step }) => {
      await step.run("once", () => note("dedupe", event.id));
    }),
    c.createFunction({ id: "filtered", triggers: [{ event: "f/filtered", if: "event.data.amount > 100" }] }, async ({ event }) => {
      note("filtered", event.data.amount);
    }),
    c.createFunction({ id: "nightly", triggers: [{ cron: "0 3 * * *" }] }, async ({ event, step }) => {
      await step.run("tick", () => note("cron", event.name));
      return event.data;
    }),
    c.createFunction(
      {
        id: "doomed",
        retries: 1,
        triggers: [{ event: "f/doomed" }],
        onFailure: async ({ event, error, step }) => {
          await step.run("cleanup", () =>
            note("onFailure", { msg: error.message, original: event.data.event.data, fn: event.data.function_id }),
          );
        },
      },
      async ({ step }) => {
        await step.run("explode", () => {
          throw new Error("kaboom");
        });
      },
    ),
    c.createFunction({ id: "failure-watcher", triggers: [{ event: "inngest/function.failed" }] }, async ({ event }) => {
      note("failed-event", (event.data as { function_id: string }).function_id);
    }),
    c.createFunction(
      { id: "finish-watcher", triggers: [{ event: "inngest/function.finished", if: "event.data.function_id == 'flow-dedupe'" }] },
      async ({ event }) => {
        note("finished-event", (event.data as { run_id: string }).run_id);
      },
    ),
  ]);
});
afterAll(async () => {
  await app?.close();
  await engine?.stop();
});

describe("flow control", { timeout: TEST_TIMEOUT_MS }, () => {
  test("concurrency with a key limits executing steps per key", async () => {
    const events = [];
    for (let i = 0; i < 6; i++) for (const user of ["ann", "bob"]) events.push({ name: "f/conc", data: { user }, id: `conc-${user}-${i}` });
    await send(engine, events);
    for (const e of events) expect((await finishedRun(engine, e.id)).status).toBe("Completed");
    expect(maxExecuting.ann).toBe(2);
    expect(maxExecuting.bob).toBe(2);
    expect(globalMax).toBeGreaterThan(2); // keys are independent
    expect(globalMax).toBeLessThanOrEqual(4);
  });

  test("concurrency limits steps, not runs: a sleeping run does not hold the slot", async () => {
    await send(engine, [
      { name: "f/snr", data: { n: 1 }, id: "snr-1" },
      { name: "f/snr", data: { n: 2 }, id: "snr-2" },
    ]);
    await finishedRun(engine, "snr-1");
    await finishedRun(engine, "snr-2");
    const order = seen.snr as string[];
    // both first steps run before either second step: run 2 started while run 1 slept
    expect(order.indexOf("2:first")).toBeLessThan(order.indexOf("1:second"));
    expect(order.indexOf("1:first")).toBeLessThan(order.indexOf("2:second"));
  });

  test("cancelOn with match cancels only the matching run; later steps never run", async () => {
    await send(engine, [
      { name: "f/order", data: { orderId: "o1" }, id: "order-o1" },
      { name: "f/order", data: { orderId: "o2" }, id: "order-o2" },
    ]);
    await waitFor(async () => (seen.cancel ?? []).length >= 2, TEST_WAIT_MS, "both before-steps");
    await send(engine, { name: "f/order.cancelled", data: { orderId: "o1" } });
    const r1 = await finishedRun(engine, "order-o1");
    const r2 = await finishedRun(engine, "order-o2");
    expect(r1.status).toBe("Cancelled");
    expect(r2.status).toBe("Completed");
    await sleep(1200);
    expect(seen.cancel).toContain("o2:after");
    expect(seen.cancel).not.toContain("o1:after");
  });

  test("cancelOn with an `if` expression", async () => {
    await send(engine, { name: "f/order", data: { orderId: "o3" }, id: "order-o3" });
    await waitFor(async () => (seen.cancel ?? []).includes("o3:before"), TEST_WAIT_MS, "o3 before");
    await send(engine, { name: "f/stop-all", data: { reason: "deploy" } });
    await sleep(100);
    expect((await runsFor(engine, "order-o3"))[0].status).toBe("Running");
    await send(engine, { name: "f/stop-all", data: { reason: "maintenance" } });
    const r = await finishedRun(engine, "order-o3");
    expect(r.status).toBe("Cancelled");
    expect(seen.cancel).not.toContain("o3:after");
  });

  test.skipIf(!!EXTERNAL_URL)("POST /v1/runs/:id/cancel cancels a run; its later steps never run", async () => {
    await send(engine, { name: "f/long", data: { k: "x" }, id: "long-1" });
    await waitFor(async () => (seen["api-cancel"] ?? []).includes("x:before"), TEST_WAIT_MS, "before step");
    const [run] = await runsFor(engine, "long-1");
    const res = await fetch(`${engine.url}/v1/runs/${run.id}/cancel`, { method: "POST" });
    expect(res.status).toBe(200);
    const again = await fetch(`${engine.url}/v1/runs/${run.id}/cancel`, { method: "POST" });
    expect(again.status).toBe(409);
    expect((await getRun(engine, run.id)).status).toBe("Cancelled");
    expect(seen["api-cancel"]).toEqual(["x:before"]);
  });

  test("timeouts.finish cancels a run that runs too long", async () => {
    await send(engine, { name: "f/finish-timeout", data: {}, id: "ft-1" });
    const r = await finishedRun(engine, "ft-1");
    expect(r.status).toBe("Cancelled");
    expect(JSON.stringify(r.error)).toContain("timeouts.finish");
    await sleep(2500);
    expect(seen["finish-timeout"]).toEqual(["before"]);
  });

  test("timeouts.start cancels a run that could not start in time", async () => {
    await send(engine, [
      { name: "f/start-timeout", data: { n: 1 }, id: "st-1" },
      { name: "f/start-timeout", data: { n: 2 }, id: "st-2" },
    ]);
    const r1 = await finishedRun(engine, "st-1");
    const r2 = await finishedRun(engine, "st-2");
    expect([r1.status, r2.status].sort()).toEqual(["Cancelled", "Completed"]);
    expect(seen["start-timeout"]).toHaveLength(1);
  });

  test("idempotency: one run per key", async () => {
    await send(engine, [
      { name: "f/idem", data: { userId: "u1" }, id: "idem-a" },
      { name: "f/idem", data: { userId: "u1" }, id: "idem-b" },
    ]);
    await send(engine, { name: "f/idem", data: { userId: "u2" }, id: "idem-c" });
    await send(engine, { name: "f/idem", data: { userId: "u1" }, id: "idem-d" });
    await finishedRun(engine, "idem-c");
    await finishedRun(engine, "idem-a");
    await sleep(200);
    expect((seen.idem as string[]).sort()).toEqual(["u1", "u2"]);
    expect(await runsFor(engine, "idem-b")).toHaveLength(0);
    expect(await runsFor(engine, "idem-d")).toHaveLength(0);
  });

  test("event ids are deduplicated (same id twice = one run); the send still returns the id", async () => {
    const a = await send(engine, { name: "f/dedupe", data: {}, id: "dup-1" });
    const b = await send(engine, [
      { name: "f/dedupe", data: {}, id: "dup-1" },
      { name: "f/dedupe", data: {}, id: "dup-1" },
    ]);
    expect(a.body.ids).toEqual(["dup-1"]);
    expect(b.body.ids).toEqual(["dup-1", "dup-1"]);
    await finishedRun(engine, "dup-1");
    await sleep(200);
    expect(seen.dedupe).toEqual(["dup-1"]);
    expect(await runsFor(engine, "dup-1")).toHaveLength(1);
  });

  test("trigger `if` expressions filter events", async () => {
    await send(engine, [
      { name: "f/filtered", data: { amount: 50 }, id: "flt-1" },
      { name: "f/filtered", data: { amount: 500 }, id: "flt-2" },
    ]);
    await finishedRun(engine, "flt-2");
    expect(await runsFor(engine, "flt-1")).toHaveLength(0);
    expect(seen.filtered).toEqual([500]);
  });

  test.skipIf(!!EXTERNAL_URL)("cron triggers fire inngest/scheduled.timer runs when due", async () => {
    const c = new pg.Client({ connectionString: engine.databaseUrl });
    await c.connect();
    const { rows } = await c.query("SELECT next_at FROM executor.crons WHERE function_id = 'flow-nightly'");
    expect(rows).toHaveLength(1);
    expect(new Date(rows[0].next_at).getUTCHours()).toBe(3); // "0 3 * * *"
    await c.query("UPDATE executor.crons SET next_at = now() WHERE function_id = 'flow-nightly'"); // make it due now
    await c.end();
    const runs = await waitFor(
      async () => {
        const r = await listRuns(engine, { function: "flow-nightly", status: "Completed" });
        return r.length ? r : null;
      },
      TEST_WAIT_MS,
      "cron run",
    );
    expect(runs).toHaveLength(1);
    expect(runs[0].output).toEqual({ cron: "0 3 * * *" });
    expect(seen.cron).toEqual(["inngest/scheduled.timer"]);
  });

  test("onFailure runs after retries are exhausted; inngest/function.failed and .finished are emitted", async () => {
    await send(engine, { name: "f/doomed", data: { order: 7 }, id: "doomed-1" });
    const r = await finishedRun(engine, "doomed-1");
    expect(r.status).toBe("Failed");
    expect(r.attempts.filter((a: { step_name: string }) => a.step_name === "explode")).toHaveLength(2);
    await waitFor(async () => seen.onFailure?.length, TEST_WAIT_MS, "onFailure");
    expect(seen.onFailure).toEqual([{ msg: "kaboom", original: { order: 7 }, fn: "flow-doomed" }]);
    await waitFor(async () => (seen["failed-event"] ?? []).includes("flow-doomed"), TEST_WAIT_MS, "function.failed");
    const dedupeRun = (await runsFor(engine, "dup-1"))[0];
    await waitFor(async () => (seen["finished-event"] ?? []).includes(dedupeRun.id), TEST_WAIT_MS, "function.finished");
  });

  test("runs API lists runs by function and status", async () => {
    const failed = await listRuns(engine, { function: "flow-doomed", status: "Failed" });
    expect(failed.map((r) => r.event_id)).toEqual(["doomed-1"]);
    const none = await listRuns(engine, { function: "flow-doomed", status: "Completed" });
    expect(none).toHaveLength(0);
    const run = await getRun(engine, failed[0].id);
    expect(run.steps[0]).toMatchObject({ name: "explode", status: "failed" });
    expect(run.attempts.length).toBeGreaterThanOrEqual(2);
    expect(run.started_at).toBeTruthy();
    expect(run.ended_at).toBeTruthy();
  });

  test("a backlog of one saturated concurrency key does not starve other functions", async () => {
    const hog = await serveApp(engine, "hog", (c) => [
      c.createFunction({ id: "slow", concurrency: { limit: 1, key: "'all'" }, triggers: [{ event: "h/slow" }] }, async ({ step }) => {
        await step.run("s", () => sleep(50));
      }),
      c.createFunction({ id: "quick", triggers: [{ event: "h/quick" }] }, async ({ step }) => step.run("q", () => "quick")),
    ]);
    try {
      await send(
        engine,
        Array.from({ length: 1500 }, (_, i) => ({ name: "h/slow", data: { i } })),
      );
      await sleep(300);
      await send(engine, { name: "h/quick", data: {}, id: "quick-1" });
      const run = await finishedRun(engine, "quick-1");
      expect(run.status).toBe("Completed");
      // not starved: it finished while most of the backlog, queued before it, still waits (not a stopwatch)
      const slowDone = await listRuns(engine, { function: "hog-slow", status: "Completed", limit: "1000" });
      expect(slowDone.length).toBeLessThan(1000);
      const running = await listRuns(engine, { function: "hog-slow", status: "Running" });
      expect(running.length).toBeLessThanOrEqual(1); // still limited to one executing step
    } finally {
      await hog.close();
    }
  });

  // Last in this file: it deletes the history the tests above look at.
  test.skipIf(!!EXTERNAL_URL)(
    "finished runs older than the retention are deleted with their steps and attempts; live runs stay",
    async () => {
      await send(engine, { name: "f/long", data: { k: "prune" }, id: "prune-long" });
      await waitFor(async () => (seen["api-cancel"] ?? []).includes("prune:before"), TEST_WAIT_MS, "the long run to sleep");
      const [sleeping] = await runsFor(engine, "prune-long");
      const [done] = await listRuns(engine, { function: "flow-doomed", status: "Failed" });
      const db = new pg.Client({ connectionString: engine.databaseUrl });
      await db.connect();
      try {
        const count = async (table: string, runId: string) =>
          Number((await db.query(`SELECT count(*) AS n FROM executor.${table} WHERE run_id = $1`, [runId])).rows[0].n);
        expect(await count("attempts", done.id)).toBeGreaterThan(0);
        // Everything is 40 days old now; the default retention is 30 days.
        await db.query("UPDATE executor.runs SET created_at = now() - interval '40 days'");
        expect(await engine.executor!.pruneHistory()).toBeGreaterThan(0);
        expect((await fetch(`${engine.url}/v1/runs/${done.id}`)).status).toBe(404);
        expect([await count("steps", done.id), await count("attempts", done.id)]).toEqual([0, 0]);
        expect((await getRun(engine, sleeping.id)).status).toBe("Running");
        expect(await engine.executor!.pruneHistory()).toBe(0);
      } finally {
        await db.end();
        await fetch(`${engine.url}/v1/runs/${sleeping.id}/cancel`, { method: "POST" });
      }
    },
  );
});
