import { NonRetriableError, RetryAfterError } from "inngest";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { finishedRun, send, serveApp, sleep, startEngine, type App, type Engine } from "./harness";

// Step semantics: order and memoization, parallel steps, retries with backoff and the attempt
// counter, NonRetriableError, RetryAfterError, function-level errors, sleep, waitForEvent, invoke.

let engine: Engine;
let app: App;
const calls: Record<string, { t: number; attempt: number; note?: string }[]> = {};
function mark(key: string, attempt: number, note?: string) {
  (calls[key] ??= []).push({ t: Date.now(), attempt, ...(note ? { note } : {}) });
}
let inParallel = 0;
let maxParallel = 0;

beforeAll(async () => {
  engine = await startEngine();
  app = await serveApp(engine, "steps", (c) => {
    const child = c.createFunction({ id: "child", triggers: [{ event: "never/child" }] }, async ({ event, step }) => {
      const v = await step.run("double", () => (event.data as { n: number }).n * 2);
      if ((event.data as { fail?: boolean }).fail) throw new NonRetriableError("child refused");
      return { doubled: v };
    });
    const slowChild = c.createFunction({ id: "slow-child", triggers: [{ event: "never/slow-child" }] }, async ({ step }) => {
      await step.sleep("long", "5s");
      return "late";
    });
    return [
      child,
      slowChild,
      c.createFunction({ id: "impatient", triggers: [{ event: "t/impatient" }] }, async ({ step }) => {
        try {
          return { ok: await step.invoke("call-slow", { function: slowChild, data: {}, timeout: "1s" }) };
        } catch (e) {
          return { err: (e as Error).message };
        }
      }),
      c.createFunction({ id: "order", triggers: [{ event: "t/order" }] }, async ({ event, step, runId }) => {
        const key = `order-${event.data.k}`;
        const a = await step.run("a", () => {
          mark(key, 0, "a");
          return "A";
        });
        const b = await step.run("b", () => {
          mark(key, 0, "b");
          return `${a}B`;
        });
        const c2 = await step.run("c", () => {
          mark(key, 0, "c");
          return `${b}C`;
        });
        return { out: c2, runId };
      }),
      c.createFunction({ id: "parallel", triggers: [{ event: "t/parallel" }] }, async ({ step }) => {
        const work = (id: string, ms: number) =>
          step.run(id, async () => {
            inParallel++;
            maxParallel = Math.max(maxParallel, inParallel);
            await sleep(ms);
            inParallel--;
            mark("parallel", 0, id);
            return id;
          });
        const all = await Promise.all([work("p1", 300), work("p2", 300), work("p3", 300)]);
        const after = await step.run("after", () => {
          mark("parallel", 0, "after");
          return all.join(",");
        });
        return after;
      }),
      c.createFunction({ id: "flaky", retries: 3, triggers: [{ event: "t/flaky" }] }, async ({ step, attempt }) => {
        const v = await step.run("flaky-step", () => {
          mark("flaky", attempt);
          if (attempt < 2) throw new Error(`boom ${attempt}`);
          return `ok at ${attempt}`;
        });
        return v;
      }),
      c.createFunction({ id: "nonretriable", retries: 5, triggers: [{ event: "t/nonretriable" }] }, async ({ step, attempt }) => {
        await step.run("nr", () => {
          mark("nonretriable", attempt);
          throw new NonRetriableError("do not retry me");
        });
      }),
      c.createFunction({ id: "retryafter", retries: 2, triggers: [{ event: "t/retryafter" }] }, async ({ step, attempt }) => {
        return step.run("ra", () => {
          mark("retryafter", attempt);
          if (attempt === 0) throw new RetryAfterError("busy", 1500);
          return "done";
        });
      }),
      c.createFunction({ id: "caught", retries: 1, triggers: [{ event: "t/caught" }] }, async ({ step, attempt }) => {
        try {
          await step.run("always-fails", () => {
            mark("caught", attempt);
            throw new Error("nope");
          });
          return "unreachable";
        } catch (e) {
          return await step.run("recover", () => `recovered from ${(e as Error).message}`);
        }
      }),
      c.createFunction({ id: "fnlevel", retries: 2, triggers: [{ event: "t/fnlevel" }] }, async ({ step, attempt }) => {
        const a = await step.run("before", () => {
          mark("fnlevel", attempt, "before");
          return 1;
        });
        mark("fnlevel", attempt, "body");
        if (attempt === 0) throw new Error("outside a step");
        return a;
      }),
      c.createFunction({ id: "fn-nonretriable", retries: 3, triggers: [{ event: "t/fn-nonretriable" }] }, async ({ attempt }) => {
        mark("fn-nonretriable", attempt);
        throw new NonRetriableError("refused outside a step"); // 400 + X-Inngest-No-Retry: true
      }),
      c.createFunction({ id: "no-retries", retries: 0, triggers: [{ event: "t/no-retries" }] }, async ({ step, attempt }) => {
        await step.run("fails", () => {
          mark("no-retries", attempt);
          throw new Error("once");
        });
      }),
      c.createFunction({ id: "sleeper", triggers: [{ event: "t/sleep" }] }, async ({ step }) => {
        const t0 = await step.run("t0", () => Date.now());
        await step.sleep("nap", "1s");
        const t1 = await step.run("t1", () => Date.now());
        return t1 - t0;
      }),
      c.createFunction({ id: "waiter", triggers: [{ event: "t/wait" }] }, async ({ event, step }) => {
        const got = await step.waitForEvent("approval", {
          event: "t/approved",
          timeout: event.data.timeout as string,
          if: "async.data.id == event.data.id",
        });
        return { got: got ? (got.data as { id: string; by: string }) : null };
      }),
      c.createFunction({ id: "finish-watcher", triggers: [{ event: "t/watch" }] }, async ({ step }) => {
        const fin = await step.waitForEvent("other-finished", {
          event: "inngest/function.finished",
          timeout: "20s",
          if: "async.data.event.data.tag == event.data.tag",
        });
        return fin ? { result: (fin.data as { result: unknown }).result, fn: (fin.data as { function_id: string }).function_id } : null;
      }),
      c.createFunction({ id: "invoker", triggers: [{ event: "t/invoke" }] }, async ({ event, step }) => {
        try {
          const r = await step.invoke("call-child", { function: child, data: { n: event.data.n, fail: event.data.fail } });
          return { ok: r };
        } catch (e) {
          return { err: (e as Error).message };
        }
      }),
    ];
  });
});
afterAll(async () => {
  await app?.close();
  await engine?.stop();
});

describe("steps", () => {
  test("steps run in order, each once, results memoized into later steps", async () => {
    await send(engine, { name: "t/order", data: { k: 1 }, id: "order-1" });
    const run = await finishedRun(engine, "order-1");
    expect(run.status).toBe("Completed");
    expect(run.output.out).toBe("ABC");
    expect(run.output.runId).toBe(run.id);
    expect(calls["order-1"].map((c) => c.note)).toEqual(["a", "b", "c"]);
    expect(run.steps.map((s: { name: string }) => s.name)).toEqual(["a", "b", "c"]);
    expect(run.steps.every((s: { status: string }) => s.status === "completed")).toBe(true);
  });

  test("parallel steps (StepPlanned) execute concurrently, then the function continues", async () => {
    await send(engine, { name: "t/parallel", data: {}, id: "par-1" });
    const run = await finishedRun(engine, "par-1");
    expect(run.status).toBe("Completed");
    expect(run.output).toBe("p1,p2,p3");
    expect(maxParallel).toBe(3);
    const notes = calls.parallel.map((c) => c.note);
    expect(notes.slice(0, 3).sort()).toEqual(["p1", "p2", "p3"]);
    expect(notes[3]).toBe("after");
    expect(notes).toHaveLength(4);
  });

  test("a failing step is retried with exponential backoff and an increasing attempt counter", async () => {
    await send(engine, { name: "t/flaky", data: {}, id: "flaky-1" });
    const run = await finishedRun(engine, "flaky-1");
    expect(run.status).toBe("Completed");
    expect(run.output).toBe("ok at 2");
    expect(calls.flaky.map((c) => c.attempt)).toEqual([0, 1, 2]);
    const gap1 = calls.flaky[1].t - calls.flaky[0].t;
    const gap2 = calls.flaky[2].t - calls.flaky[1].t;
    // Backoff is base 100 ms * 2^attempt, ±20%. Lower bounds only: load can lengthen a gap, never shorten it,
    // so the doubling shows without comparing two noisy wall-clock gaps with each other.
    expect(gap1).toBeGreaterThanOrEqual(0.8 * 100 * 2 ** 0);
    expect(gap2).toBeGreaterThanOrEqual(0.8 * 100 * 2 ** 1);
    const outcomes = run.attempts
      .filter((a: { step_name: string }) => a.step_name === "flaky-step")
      .map((a: { outcome: string }) => a.outcome);
    expect(outcomes).toEqual(["error", "error", "ok"]);
  });

  test("NonRetriableError stops retries at once and fails the run", async () => {
    await send(engine, { name: "t/nonretriable", data: {}, id: "nr-1" });
    const run = await finishedRun(engine, "nr-1");
    expect(run.status).toBe("Failed");
    expect(calls.nonretriable).toHaveLength(1);
    expect(JSON.stringify(run.error)).toContain("do not retry me");
  });

  test("RetryAfterError delays the next attempt by its Retry-After", async () => {
    await send(engine, { name: "t/retryafter", data: {}, id: "ra-1" });
    const run = await finishedRun(engine, "ra-1");
    expect(run.status).toBe("Completed");
    expect(calls.retryafter.map((c) => c.attempt)).toEqual([0, 1]);
    expect(calls.retryafter[1].t - calls.retryafter[0].t).toBeGreaterThanOrEqual(1400);
  });

  test("a step that exhausts its retries (StepFailed) throws inside the function, which can recover", async () => {
    await send(engine, { name: "t/caught", data: {}, id: "caught-1" });
    const run = await finishedRun(engine, "caught-1");
    expect(run.status).toBe("Completed");
    expect(run.output).toBe("recovered from nope");
    expect(calls.caught.map((c) => c.attempt)).toEqual([0, 1]);
    const failed = run.steps.find((s: { name: string }) => s.name === "always-fails");
    expect(failed.status).toBe("failed");
  });

  test("an error outside steps retries the function; completed steps replay from memo", async () => {
    await send(engine, { name: "t/fnlevel", data: {}, id: "fnlevel-1" });
    const run = await finishedRun(engine, "fnlevel-1");
    expect(run.status).toBe("Completed");
    expect(calls.fnlevel.filter((c) => c.note === "before")).toHaveLength(1);
    expect(calls.fnlevel.filter((c) => c.note === "body").map((c) => c.attempt)).toEqual([0, 1]);
  });

  test("X-Inngest-No-Retry (NonRetriableError outside steps) fails the run after one attempt", async () => {
    await send(engine, { name: "t/fn-nonretriable", data: {}, id: "fnnr-1" });
    const run = await finishedRun(engine, "fnnr-1");
    expect(run.status).toBe("Failed");
    expect(calls["fn-nonretriable"]).toHaveLength(1);
    expect(run.error.message).toBe("refused outside a step");
  });

  test("retries: 0 means exactly one attempt", async () => {
    await send(engine, { name: "t/no-retries", data: {}, id: "noretry-1" });
    const run = await finishedRun(engine, "noretry-1");
    expect(run.status).toBe("Failed");
    expect(calls["no-retries"].map((c) => c.attempt)).toEqual([0]);
  });

  test("step.sleep resumes after the duration", async () => {
    await send(engine, { name: "t/sleep", data: {}, id: "sleep-1" });
    const run = await finishedRun(engine, "sleep-1");
    expect(run.status).toBe("Completed");
    expect(run.output).toBeGreaterThanOrEqual(950);
    expect(run.output).toBeLessThan(5000);
    expect(run.steps.find((s: { op: string }) => s.op === "Sleep")?.status).toBe("completed");
  });

  test("step.waitForEvent resumes only on an event matching its `if`", async () => {
    await send(engine, { name: "t/wait", data: { id: "w1", timeout: "20s" }, id: "wait-1" });
    await sleep(400);
    await send(engine, { name: "t/approved", data: { id: "other", by: "mallory" } });
    await sleep(300);
    await send(engine, { name: "t/approved", data: { id: "w1", by: "alice" } });
    const run = await finishedRun(engine, "wait-1");
    expect(run.status).toBe("Completed");
    expect(run.output).toEqual({ got: { id: "w1", by: "alice" } });
  });

  test("step.waitForEvent returns null on timeout", async () => {
    await send(engine, { name: "t/wait", data: { id: "w2", timeout: "600ms" }, id: "wait-2" });
    const run = await finishedRun(engine, "wait-2");
    expect(run.status).toBe("Completed");
    expect(run.output).toEqual({ got: null });
  });

  test("step.invoke runs another function and returns its result", async () => {
    await send(engine, { name: "t/invoke", data: { n: 21 }, id: "inv-1" });
    const run = await finishedRun(engine, "inv-1");
    expect(run.status).toBe("Completed");
    expect(run.output).toEqual({ ok: { doubled: 42 } });
  });

  test("step.invoke surfaces the invoked function's failure as a step error", async () => {
    await send(engine, { name: "t/invoke", data: { n: 1, fail: true }, id: "inv-2" });
    const run = await finishedRun(engine, "inv-2");
    expect(run.status).toBe("Completed");
    expect(run.output.err).toContain("child refused");
  });

  test("step.invoke with a timeout fails the step when the invoked run takes longer", async () => {
    await send(engine, { name: "t/impatient", data: {}, id: "imp-1" });
    const run = await finishedRun(engine, "imp-1");
    expect(run.status).toBe("Completed");
    expect(run.output.err).toMatch(/Timed out waiting for invoked function/);
  });

  test("step.waitForEvent can wait for another run's inngest/function.finished", async () => {
    await send(engine, { name: "t/watch", data: { tag: "w-77" }, id: "watch-1" });
    await sleep(1300);
    await send(engine, { name: "t/order", data: { k: 77, tag: "w-77" }, id: "order-77" });
    const run = await finishedRun(engine, "watch-1");
    expect(run.status).toBe("Completed");
    expect(run.output.fn).toBe("steps-order");
    expect(run.output.result.out).toBe("ABC");
  });
});
