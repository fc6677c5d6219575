import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { copyPgliteTemplate } from "../../test/support/pglite-template";
import { startExecutor } from "../src/index";
import {
  EXTERNAL_URL,
  fastOptions,
  finishedRun,
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

// Durability: runs, steps and queued work live in Postgres. Stopping the executor mid-run (gracefully
// or by a crash) and starting a new one on the same database finishes every run, and every step that
// had completed is replayed from memo rather than run again.

const effects: Record<string, number> = {};
const bump = (k: string) => (effects[k] = (effects[k] ?? 0) + 1);
// Resolved once the crash test has crashed its executor: the first attempts of that test's slow steps
// are still in flight at the crash (an event, not the 800 ms below: at load 30 the steps finished and
// were recorded before the abort ran, and were rightly not re-run, which failed the test).
let crashed!: () => void;
const afterCrash = new Promise<void>((r) => (crashed = r));

describe.skipIf(!!EXTERNAL_URL)("restart recovery", { timeout: TEST_TIMEOUT_MS }, () => {
  let engine: Engine;
  let app: App;
  beforeAll(async () => {
    // drainMs: stop() must return because the in-flight steps finished, not because a deadline passed
    engine = await startEngine({ leaseMs: 2500, drainMs: TEST_WAIT_MS });
    app = await serveApp(engine, "durable", (c) => [
      c.createFunction({ id: "pipeline", triggers: [{ event: "d/go" }] }, async ({ event, step }) => {
        const k = event.data.k as string;
        await step.run("one", () => bump(`${k}:one`));
        await step.sleep("gap", "1s");
        await step.run("two", () => bump(`${k}:two`));
        await step.run("slow", async () => {
          if (bump(`${k}:slow-start`) === 1 && k.startsWith("c")) await afterCrash;
          await sleep(800);
          bump(`${k}:slow-end`);
          return "slow";
        });
        await step.run("three", () => bump(`${k}:three`));
        return "done";
      }),
    ]);
  });
  afterAll(async () => {
    await app?.close();
    await engine?.stop();
  });

  test("graceful stop mid-run: queued work stays in the DB and a new executor finishes every run, steps once", async () => {
    const keys = ["g1", "g2", "g3", "g4", "g5"];
    await send(
      engine,
      keys.map((k) => ({ name: "d/go", data: { k }, id: `g-${k}` })),
    );
    await waitFor(async () => keys.every((k) => effects[`${k}:one`] === 1), TEST_WAIT_MS, "first steps");
    await engine.restart!(); // runs are sleeping: stop() drains, their timers stay queued in Postgres
    await waitFor(async () => keys.every((k) => effects[`${k}:slow-start`] === 1), TEST_WAIT_MS, "slow steps to start");
    const t0 = Date.now();
    await engine.restart!(); // steps in flight: stop() lets them finish and persists them, then hands over
    expect(Date.now() - t0).toBeLessThan(TEST_WAIT_MS);
    for (const k of keys) expect(effects[`${k}:slow-end`]).toBe(1); // finished inside stop(), not cut off
    for (const k of keys) {
      const run = await finishedRun(engine, `g-${k}`);
      expect(run.status).toBe("Completed");
      expect(run.output).toBe("done");
      for (const s of ["one", "two", "slow-start", "slow-end", "three"]) expect(effects[`${k}:${s}`]).toBe(1);
    }
  });

  test("crash mid-step: leases expire, another executor retakes the work; completed steps are not re-run", async () => {
    const keys = ["c1", "c2", "c3"];
    await send(
      engine,
      keys.map((k) => ({ name: "d/go", data: { k }, id: `c-${k}` })),
    );
    await waitFor(async () => keys.every((k) => effects[`${k}:slow-start`] === 1), TEST_WAIT_MS, "slow steps to start");
    await engine.restart!({ crash: true }); // abort: in-flight results are lost, leases left behind
    crashed(); // the first attempts end now, answering an executor that is gone
    for (const k of keys) {
      const run = await finishedRun(engine, `c-${k}`);
      expect(run.status).toBe("Completed");
      // steps that had completed before the crash ran exactly once
      expect(effects[`${k}:one`]).toBe(1);
      expect(effects[`${k}:two`]).toBe(1);
      expect(effects[`${k}:three`]).toBe(1);
      // the step in flight at the crash is re-run (at-least-once, as on Inngest)
      expect(effects[`${k}:slow-start`]).toBe(2);
    }
  });
});

describe.skipIf(!!EXTERNAL_URL)("the standalone process (npm run executor)", () => {
  test(
    "SIGKILL mid-run, restart on the same data: every run finishes, completed steps once",
    async () => {
      const { spawn } = await import("node:child_process");
      const { mkdtempSync, rmSync } = await import("node:fs");
      const { tmpdir } = await import("node:os");
      const { join } = await import("node:path");
      const net = await import("node:net");
      const port = await new Promise<number>((resolve) => {
        const s = net.createServer().listen(0, "127.0.0.1", () => {
          const p = (s.address() as { port: number }).port;
          s.close(() => resolve(p));
        });
      });
      const tmp = mkdtempSync(join(tmpdir(), "executor-kill-"));
      // A copy of a fresh cluster made once (test/support/pglite-template): the first start then skips
      // initdb, ~10 s of WASM CPU that at load 50-68 kept it from listening within the test's guard.
      const dataDir = join(tmp, "pg");
      const dbUrl = process.env.EXECUTOR_TEST_DATABASE_URL;
      if (!dbUrl) await copyPgliteTemplate("blank", dataDir);
      const url = `http://127.0.0.1:${port}`;
      const engineLike: Engine = { url, sync: async () => {}, stop: async () => {} };
      // The app first: the executor is told its URL at start (--sdk-url), the only URL it will sync.
      const app = await serveApp(
        engineLike,
        "killed",
        (c) => [
          c.createFunction({ id: "pipeline", triggers: [{ event: "k/go" }] }, async ({ event, step }) => {
            const k = event.data.k as string;
            await step.run("one", () => bump(`${k}:one`));
            await step.run("slow", async () => {
              bump(`${k}:slow`);
              await sleep(1500);
            });
            await step.run("two", () => bump(`${k}:two`));
            return "done";
          }),
        ],
        {},
        { sync: false },
      );
      const start = () => {
        const args = [
          "--import",
          "tsx",
          "executor/src/cli.ts",
          "--port",
          String(port),
          "--lease-ms",
          "2000",
          "--sdk-url",
          app.url,
          ...(dbUrl ? ["--database-url", dbUrl] : ["--data-dir", dataDir]),
        ];
        // node itself (not npx) so that SIGKILL hits the executor process, not a wrapper
        const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "pipe"] });
        let out = "";
        child.stdout.on("data", (d) => (out += d));
        child.stderr.on("data", (d) => (out += d));
        // Readiness is an event (the log line, or the process dying), not a wall-clock guess.
        const ready = new Promise<void>((resolve, reject) => {
          const onData = () => out.includes("listening on") && resolve();
          child.stdout.on("data", onData);
          child.once("exit", (code) => reject(new Error(`executor process exited (${code}) before listening:\n${out}`)));
        });
        return { child, ready, out: () => out };
      };
      const synced = () =>
        waitFor(
          async () => {
            const res = await fetch(`${url}/v1/functions`).catch(() => null);
            const fns = res?.ok ? ((await res.json()) as { data: { id: string }[] }).data : [];
            return fns.some((f) => f.id === "killed-pipeline");
          },
          TEST_WAIT_MS,
          "the app to be synced",
        );
      let p = start();
      await p.ready;
      await synced();
      try {
        const keys = ["k1", "k2", "k3", "k4"];
        await send(
          engineLike,
          keys.map((k) => ({ name: "k/go", data: { k }, id: `k-${k}` })),
        );
        await waitFor(async () => keys.every((k) => effects[`${k}:slow`] === 1), TEST_WAIT_MS, "slow steps");
        p.child.kill("SIGKILL");
        await new Promise((r) => p.child.once("exit", r));
        p = start();
        await p.ready;
        await synced();
        for (const k of keys) {
          const run = await finishedRun(engineLike, `k-${k}`);
          expect(run.status).toBe("Completed");
          expect(effects[`${k}:one`]).toBe(1);
          expect(effects[`${k}:two`]).toBe(1);
          expect(effects[`${k}:slow`]).toBe(2); // in flight at the kill: re-run once the lease expired
        }
      } finally {
        if (p.child.exitCode === null && p.child.signalCode === null) {
          const exited = new Promise((r) => p.child.once("exit", r));
          p.child.kill("SIGTERM");
          await exited;
        }
        await app.close();
        rmSync(tmp, { recursive: true, force: true });
      }
    },
    TEST_TIMEOUT_MS,
  );
});

describe.skipIf(!!EXTERNAL_URL)("two executor processes on one database", { timeout: TEST_TIMEOUT_MS }, () => {
  test("concurrency limits hold across them; either can finish the work", async () => {
    const engine = await startEngine();
    const second = await startExecutor({ port: 0, databaseUrl: engine.databaseUrl!, log: () => {}, ...fastOptions });
    let executing = 0;
    let max = 0;
    let started = 0;
    const app = await serveApp(engine, "shared", (c) => [
      c.createFunction(
        { id: "limited", concurrency: { limit: 2, key: "event.data.k" }, triggers: [{ event: "s/go" }] },
        async ({ step }) => {
          await step.run("work", async () => {
            executing++;
            started++;
            max = Math.max(max, executing);
            // Wait for a second step to start, unless no run is left to start one (an event, not a
            // stopwatch: at load 40 two 100 ms steps did not overlap and the max was 1). If the limit
            // wrongly allowed one only, this gives up after 30 s and the max of 1 fails the test; if it
            // allowed more, a third step shows up in the max.
            for (const until = Date.now() + 30_000; executing < 2 && started < 16 && Date.now() < until; ) await sleep(10);
            await sleep(100);
            executing--;
          });
        },
      ),
    ]);
    try {
      const ids = Array.from({ length: 16 }, (_, i) => `shared-${i}`);
      await send(
        engine,
        ids.map((id) => ({ name: "s/go", data: { k: "same" }, id })),
      );
      for (const id of ids) expect((await finishedRun(engine, id)).status).toBe("Completed");
      expect(max).toBe(2);
      expect(second.stats().items + engine.executor!.stats().items).toBeGreaterThanOrEqual(16);
      // With the first executor gone, the second one alone takes new work from the shared database.
      await engine.executor!.stop();
      const viaSecond: Engine = { url: second.url, sync: async () => {}, stop: async () => {} };
      const before = second.stats().items;
      await send(viaSecond, { name: "s/go", data: { k: "same" }, id: "shared-after" });
      expect((await finishedRun(viaSecond, "shared-after")).status).toBe("Completed");
      expect(second.stats().items).toBeGreaterThan(before);
    } finally {
      await app.close();
      await second.stop();
      await engine.stop();
    }
  });
});

describe.skipIf(!!EXTERNAL_URL)("leases", { timeout: TEST_TIMEOUT_MS }, () => {
  test("a step running longer than the lease is not taken over while its executor is alive (heartbeat)", async () => {
    const engine = await startEngine({ leaseMs: 2000 });
    let runs = 0;
    const app = await serveApp(engine, "heartbeat", (c) => [
      c.createFunction({ id: "long", triggers: [{ event: "h/go" }] }, async ({ step }) => {
        await step.run("long", async () => {
          runs++;
          await sleep(5000);
        });
        return "ok";
      }),
    ]);
    try {
      await send(engine, { name: "h/go", data: {}, id: "hb-1" });
      const run = await finishedRun(engine, "hb-1");
      expect(run.status).toBe("Completed");
      expect(runs).toBe(1);
    } finally {
      await app.close();
      await engine.stop();
    }
  });
});
