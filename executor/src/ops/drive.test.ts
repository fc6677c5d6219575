import { describe, expect, test } from "vitest";
import { LIMITS } from "../config";
import { drive } from "./drive";
import { deps, FakeDriver, FakeStore, fnDef, ops, queueItem, runRow } from "./test-fakes";

// The call loop against a scripted SDK (FakeDriver) and a recording store (FakeStore): what it sends,
// and what it writes for each kind of answer.
describe("drive", () => {
  test("a step the SDK ran is memoized and the run is called again with it, until it returns", async () => {
    const driver = new FakeDriver([ops({ id: "s1", op: "StepRun", name: "one", data: 42 }), { kind: "done", data: "result" }]);
    const store = new FakeStore();
    await drive(deps(driver, store).d, queueItem(), runRow());
    expect(driver.calls).toHaveLength(2);
    expect(driver.calls[0].body.steps).toEqual({});
    expect(driver.calls[1].body.steps).toEqual({ s1: { data: 42 } });
    expect((driver.calls[1].body.ctx as { stack: unknown }).stack).toEqual({ stack: ["s1"], current: 1 });
    expect(store.steps).toMatchObject([
      { runId: "run-1", stepId: "s1", name: "one", op: "StepRun", result: { data: 42 }, keepItem: true, attempts: 1 },
    ]);
    expect(store.finished).toEqual([{ runId: "run-1", status: "Completed", output: "result", error: null }]);
    expect(store.attempts.map((a) => a.outcome)).toEqual(["ok", "completed"]);
  });

  test("a StepError with attempts left is retried after the backoff; the run is not called again", async () => {
    const driver = new FakeDriver([
      {
        kind: "ops",
        ops: [{ id: "s1", op: "StepError", name: "flaky", error: { name: "Error", message: "boom" } }],
        noRetry: false,
        retryAfter: null,
      },
    ]);
    const store = new FakeStore();
    await drive(deps(driver, store).d, queueItem({ attempt: 1 }), runRow());
    expect(store.retries).toEqual([{ itemId: 7, stepId: "s1", delayMs: 200, stepName: "flaky" }]);
    expect(store.steps).toEqual([]);
    expect(store.finished).toEqual([]);
    expect(store.attempts).toMatchObject([{ outcome: "error", attempt: 1, error: { message: "boom" } }]);
  });

  test("a StepError on the last attempt is memoized as the step's error (the function may catch it)", async () => {
    const driver = new FakeDriver([
      ops({ id: "s1", op: "StepError", error: { name: "Error", message: "boom" } }),
      { kind: "done", data: "caught" },
    ]);
    const store = new FakeStore();
    await drive(deps(driver, store, [fnDef({ maxAttempts: 2 })]).d, queueItem({ attempt: 1, step_id: null }), runRow());
    expect(store.retries).toEqual([]);
    expect(store.steps[0].result).toEqual({ error: { name: "Error", message: "boom" } });
    expect(driver.calls[1].body.steps).toEqual({ s1: { error: { name: "Error", message: "boom" } } });
    expect(store.finished[0].status).toBe("Completed");
  });

  test("X-Inngest-No-Retry stops at once: the error fails the run", async () => {
    const driver = new FakeDriver([
      { kind: "error", error: { name: "NonRetriableError", message: "no" }, noRetry: true, retryAfter: null },
    ]);
    const store = new FakeStore();
    await drive(deps(driver, store).d, queueItem(), runRow());
    expect(store.retries).toEqual([]);
    expect(store.finished).toEqual([
      { runId: "run-1", status: "Failed", output: null, error: { name: "NonRetriableError", message: "no" } },
    ]);
  });

  test("an error outside steps retries the whole call with Retry-After", async () => {
    const driver = new FakeDriver([{ kind: "error", error: { name: "Error", message: "later" }, noRetry: false, retryAfter: "3" }]);
    const store = new FakeStore();
    await drive(deps(driver, store).d, queueItem(), runRow());
    expect(store.retries).toEqual([{ itemId: 7, stepId: null, delayMs: 3000, stepName: undefined }]);
  });

  test("a step result over 4 MiB fails the run OutputTooLarge and memoizes nothing", async () => {
    const driver = new FakeDriver([ops({ id: "s1", op: "StepRun", name: "huge", data: "x".repeat(LIMITS.maxStepOutputBytes + 1) })]);
    const store = new FakeStore();
    await drive(deps(driver, store).d, queueItem(), runRow());
    expect(store.steps).toEqual([]);
    expect(store.finished[0]).toMatchObject({ status: "Failed", error: { name: "OutputTooLarge" } });
  });

  test("a run that is already finished is dropped from the queue without calling the SDK", async () => {
    const driver = new FakeDriver([]);
    const store = new FakeStore();
    await drive(deps(driver, store).d, queueItem(), runRow({ status: "Cancelled" }));
    expect(driver.calls).toEqual([]);
    expect(store.deleted).toEqual([7]);
  });

  test("an unknown function fails the run FunctionNotFound", async () => {
    const store = new FakeStore();
    await drive(deps(new FakeDriver([]), store, []).d, queueItem(), runRow());
    expect(store.finished[0]).toMatchObject({ status: "Failed", error: { name: "FunctionNotFound" } });
  });

  test("a run still Queued after loading missed timeouts.start and is cancelled", async () => {
    const store = new FakeStore();
    await drive(deps(new FakeDriver([]), store).d, queueItem(), runRow({ status: "Queued" }));
    expect(store.finished[0]).toMatchObject({ status: "Cancelled", error: { name: "FunctionTimeoutError" } });
  });

  test("while draining, after one call the next call is handed back to the queue", async () => {
    const life = { stopping: false, dead: false };
    const driver = new FakeDriver([ops({ id: "s1", op: "StepRun", data: 1 })]);
    const store = new FakeStore();
    const { d } = deps(driver, store, [fnDef()], life);
    const p = drive(d, queueItem(), runRow());
    life.stopping = true;
    await p;
    expect(driver.calls).toHaveLength(1);
    expect(store.steps).toHaveLength(1);
    expect(store.released).toEqual([7]);
  });

  test("a run that just started with timeouts.finish wakes the loop when it is due", async () => {
    const driver = new FakeDriver([{ kind: "done", data: null }]);
    const { d, wakes } = deps(driver, new FakeStore(), [fnDef({ timeouts: { finishMs: 5000 } })]);
    const before = Date.now();
    await drive(d, queueItem(), runRow({ just_started: true }));
    expect(wakes).toHaveLength(1);
    expect(wakes[0]).toBeGreaterThanOrEqual(before + 5000);
  });

  test("a parallel step's item reloads the memo before the next discovery call", async () => {
    const driver = new FakeDriver([ops({ id: "a", op: "StepRun", data: "A" }), { kind: "done", data: "both" }]);
    const store = new FakeStore();
    store.fresh = runRow({
      memo: [
        { id: "b", data: "B", status: "completed" },
        { id: "a", data: "A", status: "completed" },
      ],
      step_count: 2,
    });
    await drive(deps(driver, store).d, queueItem({ step_id: "a" }), runRow());
    expect(driver.calls[0].stepId).toBe("a");
    expect(driver.calls[1].stepId).toBeNull();
    expect(driver.calls[1].body.steps).toEqual({ b: { data: "B" }, a: { data: "A" } });
  });

  test("when finish_step says another item continues the run, this one stops", async () => {
    const driver = new FakeDriver([ops({ id: "a", op: "StepRun", data: "A" })]);
    const store = new FakeStore();
    store.finishStepAnswers = ["wait"];
    await drive(deps(driver, store).d, queueItem({ step_id: "a" }), runRow());
    expect(driver.calls).toHaveLength(1);
    expect(store.finished).toEqual([]);
  });
});
