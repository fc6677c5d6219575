import { LIMITS } from "../config";
import { errObj, TERMINAL, type QueueItem, type RunRow } from "../types";
import { byteLength } from "../util";
import { planOps } from "./plan";
import { RESULT_OPS, stepResult } from "./step-result";
import type { DriveState, OpDeps } from "./types";

/** Drive a run through call requests until it waits, fails, completes, or hands work to other items. */
export async function drive(deps: OpDeps, item: QueueItem, preloaded?: RunRow): Promise<void> {
  const { store, driver, life } = deps;
  const run = preloaded ?? (await store.loadRunForCall(item.run_id));
  if (!run || TERMINAL.has(run.status)) {
    await store.deleteItem(item);
    return;
  }
  const fn = await deps.getFn(run.function_id);
  if (!fn) {
    await store.finishRun(run, "Failed", null, errObj("FunctionNotFound", `function "${run.function_id}" is not synced`));
    return;
  }
  if (run.status === "Queued") {
    // start_deadline passed before the run could start
    await store.finishRun(run, "Cancelled", null, errObj("FunctionTimeoutError", "function run did not start within timeouts.start"));
    return;
  }
  if (run.just_started && fn.timeouts.finishMs !== undefined) deps.wakeAt(Date.now() + fn.timeouts.finishMs);
  const memo = run.memo ?? [];
  const s: DriveState = { run, fn, item, memo, stepCount: run.step_count ?? memo.length, stateBytes: Number(run.state_bytes) };
  for (let calls = 0; ; calls++) {
    if (life.dead) return;
    if (life.stopping && calls > 0) {
      // Draining: the last result is persisted; hand the run's next call to the next executor.
      await store.releaseItem(item);
      return;
    }
    const steps: Record<string, unknown> = {};
    for (const m of memo) steps[m.id] = m.error !== null && m.error !== undefined ? { error: m.error } : { data: m.data ?? null };
    const body = JSON.stringify({
      event: run.event,
      events: [run.event],
      steps,
      ctx: {
        run_id: run.id,
        attempt: item.attempt,
        max_attempts: fn.maxAttempts,
        disable_immediate_execution: false,
        use_api: false,
        stack: { stack: memo.map((m) => m.id), current: memo.length },
      },
      // no "version": the SDK then picks its preferred execution version (V2, optimized parallelism)
    });
    const started = new Date();
    const t0 = performance.now();
    const res = await driver.call(fn, item.step_id, body);
    const ms = performance.now() - t0;
    if (life.dead) return;

    if (res.kind === "ops") {
      const ran = res.ops.length === 1 && RESULT_OPS.has(res.ops[0].op) ? res.ops[0] : null;
      if (ran) {
        if ((await stepResult(deps, s, ran, { started, ms, noRetry: res.noRetry, retryAfter: res.retryAfter })) === "continue") continue;
        return;
      }
      store.recordAttempt({
        runId: run.id,
        stepId: null,
        stepName: null,
        attempt: item.attempt,
        startedAt: started,
        ms,
        outcome: "discovered",
      });
      if (process.env.EXECUTOR_DEBUG) deps.log(`ops ${JSON.stringify(res.ops)} memo ${JSON.stringify(memo)}`);
      await planOps(deps, s, res.ops);
      return;
    }
    if (res.kind === "done") {
      store.recordAttempt({
        runId: run.id,
        stepId: item.step_id,
        stepName: null,
        attempt: item.attempt,
        startedAt: started,
        ms,
        outcome: "completed",
      });
      const size = byteLength(res.data);
      if (size > LIMITS.maxStepOutputBytes) {
        await store.finishRun(run, "Failed", null, errObj("OutputTooLarge", `function output is ${size} bytes, over the 4 MiB limit`));
        return;
      }
      await store.finishRun(run, "Completed", res.data, null);
      return;
    }
    // an error outside any step: retry the whole call (completed steps replay from memo)
    store.recordAttempt({
      runId: run.id,
      stepId: item.step_id,
      stepName: null,
      attempt: item.attempt,
      startedAt: started,
      ms,
      outcome: "error",
      error: res.error,
    });
    if (!res.noRetry && item.attempt + 1 < fn.maxAttempts) {
      await store.retryItem(item, item.step_id, store.backoff(item.attempt, res.retryAfter));
      return;
    }
    await store.finishRun(run, "Failed", null, res.error);
    return;
  }
}
