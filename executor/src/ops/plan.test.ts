import { describe, expect, test } from "vitest";
import { LIMITS } from "../config";
import { planOps } from "./plan";
import { deps, FakeDriver, FakeStore, fnDef, queueItem, runRow } from "./test-fakes";
import type { DriveState } from "./types";

// The planning ops of a discovery call, one handler per op code, against a recording store.
function state(over: Partial<DriveState> = {}): DriveState {
  return { run: runRow(), fn: fnDef(), item: queueItem(), memo: [], stepCount: 0, stateBytes: 0, ...over };
}

describe("planOps", () => {
  test("StepPlanned: each parallel step gets a planned step row and its own call item with the run's concurrency keys", async () => {
    const store = new FakeStore();
    await planOps(deps(new FakeDriver([]), store).d, state(), [
      { id: "a", op: "StepPlanned", displayName: "A" },
      { id: "b", op: "StepPlanned", name: "B" },
    ]);
    const { plan, itemId } = store.plans[0];
    expect(itemId).toBe(7);
    expect(plan.steps).toEqual([
      { id: "a", name: "A", op: "StepRun", status: "planned" },
      { id: "b", name: "B", op: "StepRun", status: "planned" },
    ]);
    expect(plan.queue.map((q) => [q.kind, q.step_id, q.ckeys])).toEqual([
      ["call", "a", true],
      ["call", "b", true],
    ]);
  });

  test("ops reported again on replay (already known steps) and duplicates are planned once", async () => {
    const store = new FakeStore();
    store.known.add("a");
    await planOps(deps(new FakeDriver([]), store).d, state(), [
      { id: "a", op: "StepPlanned" },
      { id: "b", op: "StepPlanned" },
      { id: "b", op: "StepPlanned" },
    ]);
    expect(store.plans[0].plan.steps.map((s) => s.id)).toEqual(["b"]);
  });

  test("Sleep: a sleeping step and a timer item at the wake time", async () => {
    const store = new FakeStore();
    const before = Date.now();
    await planOps(deps(new FakeDriver([]), store).d, state(), [{ id: "z", op: "Sleep", name: "2s", displayName: "nap" }]);
    const { plan } = store.plans[0];
    expect(plan.steps).toEqual([{ id: "z", name: "nap", op: "Sleep", status: "sleeping" }]);
    expect(plan.queue[0].kind).toBe("sleep");
    expect(Date.parse(plan.queue[0].run_at) - before).toBeGreaterThanOrEqual(2000);
  });

  test("Sleep with an invalid duration fails the run InvalidSleep and writes no plan", async () => {
    const store = new FakeStore();
    await planOps(deps(new FakeDriver([]), store).d, state(), [{ id: "z", op: "Sleep", name: "soon-ish" }]);
    expect(store.plans).toEqual([]);
    expect(store.finished[0]).toMatchObject({ status: "Failed", error: { name: "InvalidSleep" } });
  });

  test("WaitForEvent: a wait row with its `if` and a timeout item at the expiry", async () => {
    const store = new FakeStore();
    await planOps(deps(new FakeDriver([]), store).d, state(), [
      { id: "w", op: "WaitForEvent", name: "order/paid", opts: { timeout: "1h", if: "event.data.id == async.data.id" } },
    ]);
    const { plan } = store.plans[0];
    expect(plan.waits).toMatchObject([{ step_id: "w", event_name: "order/paid", expr: "event.data.id == async.data.id" }]);
    expect(plan.queue).toMatchObject([{ kind: "wait-timeout", step_id: "w", run_at: plan.waits[0].expires_at }]);
  });

  test("InvokeFunction: a child run of the target with the payload, and the timeout item", async () => {
    const store = new FakeStore();
    const target = fnDef({ id: "app-child" });
    await planOps(deps(new FakeDriver([]), store, [fnDef(), target]).d, state(), [
      { id: "i", op: "InvokeFunction", opts: { function_id: "app-child", payload: { data: { x: 1 } }, timeout: "10s" } },
    ]);
    const { plan } = store.plans[0];
    expect(plan.children).toMatchObject([
      { fn: { id: "app-child" }, event: { name: "inngest/function.invoked", data: { x: 1 } }, parentRunId: "run-1", parentStepId: "i" },
    ]);
    expect(plan.steps).toEqual([{ id: "i", name: "i", op: "InvokeFunction", status: "invoking" }]);
    expect(plan.queue.map((q) => q.kind)).toEqual(["invoke-timeout"]);
  });

  test("InvokeFunction of a function that is not synced fails the run FunctionNotFound", async () => {
    const store = new FakeStore();
    await planOps(deps(new FakeDriver([]), store).d, state(), [{ id: "i", op: "InvokeFunction", opts: { function_id: "nope" } }]);
    expect(store.plans).toEqual([]);
    expect(store.finished[0]).toMatchObject({ status: "Failed", error: { name: "FunctionNotFound" } });
  });

  test("RunComplete ends the run Completed with its data, whatever else was reported", async () => {
    const store = new FakeStore();
    await planOps(deps(new FakeDriver([]), store).d, state(), [
      { id: "a", op: "StepPlanned" },
      { id: "done", op: "RunComplete", data: { ok: true } },
    ]);
    expect(store.finished).toEqual([{ runId: "run-1", status: "Completed", output: { ok: true }, error: null }]);
    expect(store.plans).toEqual([]);
  });

  for (const op of ["AIGateway", "WaitForSignal", "toString"]) {
    test(`an op the executor does not implement (${op}) fails the run UnsupportedOp naming the step`, async () => {
      const store = new FakeStore();
      await planOps(deps(new FakeDriver([]), store).d, state(), [{ id: "g", op, displayName: "ask" }]);
      expect(store.finished[0]).toMatchObject({
        status: "Failed",
        error: { name: "UnsupportedOp", message: expect.stringContaining(`"ask" uses op ${op}`) },
      });
    });
  }

  test("planning past 1,000 steps fails the run TooManySteps", async () => {
    const store = new FakeStore();
    await planOps(deps(new FakeDriver([]), store).d, state({ stepCount: LIMITS.maxStepsPerRun }), [{ id: "one-more", op: "StepPlanned" }]);
    expect(store.finished[0]).toMatchObject({ status: "Failed", error: { name: "TooManySteps" } });
  });
});
