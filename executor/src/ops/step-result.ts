import { LIMITS } from "../config";
import { errObj, TERMINAL, type Op } from "../types";
import { byteLength } from "../util";
import type { DriveState, OpDeps } from "./types";

/** The SDK's reported op for a step it ran. */
export const RESULT_OPS: ReadonlySet<string> = new Set(["StepRun", "StepError", "StepFailed"]);

export interface CallTiming {
  started: Date;
  ms: number;
  noRetry: boolean;
  retryAfter: string | null;
}

/**
 * StepRun / StepError / StepFailed: a step ran. Retries a StepError while attempts are left, enforces
 * the output, state and step-count limits, memoizes the result, and answers "continue" when the run
 * should be called again at once (its next discovery call is this item) or "stop".
 */
export async function stepResult(deps: OpDeps, s: DriveState, ran: Op, t: CallTiming): Promise<"continue" | "stop"> {
  const { run, fn, item, memo } = s;
  const stepName = ran.displayName ?? ran.name ?? null;
  const attempt = { runId: run.id, stepId: ran.id, stepName, attempt: item.attempt, startedAt: t.started, ms: t.ms };
  if (ran.op === "StepError") {
    deps.store.recordAttempt({ ...attempt, outcome: "error", error: ran.error });
    if (item.attempt + 1 < fn.maxAttempts && !t.noRetry) {
      await deps.store.retryItem(item, ran.id, deps.store.backoff(item.attempt, t.retryAfter), stepName);
      return "stop";
    }
  }
  const failed = ran.op !== "StepRun";
  if (!failed) deps.store.recordAttempt({ ...attempt, outcome: "ok" });
  else if (ran.op === "StepFailed") deps.store.recordAttempt({ ...attempt, outcome: "failed", error: ran.error });
  const result = failed ? { error: ran.error ?? errObj("Error", "step failed") } : { data: ran.data ?? null };
  const size = byteLength(failed ? result.error : result.data);
  if (size > LIMITS.maxStepOutputBytes) {
    await deps.store.finishRun(
      run,
      "Failed",
      null,
      errObj(
        "OutputTooLarge",
        `step "${stepName}" returned ${size} bytes, over the 4 MiB (${LIMITS.maxStepOutputBytes} bytes) per-step output limit`,
      ),
    );
    return "stop";
  }
  if (s.stateBytes + size > LIMITS.maxRunStateBytes) {
    await deps.store.finishRun(
      run,
      "Failed",
      null,
      errObj(
        "StateTooLarge",
        `run state would reach ${s.stateBytes + size} bytes, over the 32 MiB (${LIMITS.maxRunStateBytes} bytes) run state limit`,
      ),
    );
    return "stop";
  }
  if (!memo.some((m) => m.id === ran.id) && item.step_id !== ran.id) s.stepCount++;
  if (s.stepCount > LIMITS.maxStepsPerRun) {
    await deps.store.finishRun(run, "Failed", null, errObj("TooManySteps", `run exceeded the limit of ${LIMITS.maxStepsPerRun} steps`));
    return "stop";
  }
  const next = await deps.store.finishStep({
    runId: run.id,
    stepId: ran.id,
    name: stepName,
    op: "StepRun",
    result,
    item,
    keepItem: true,
    attempts: item.attempt + 1,
  });
  if (next !== "discover") return "stop";
  if (item.step_id !== null) {
    // This item ran one of several planned (parallel) steps; others settled meanwhile: reload the memo.
    const fresh = await deps.store.loadRunForCall(run.id);
    if (!fresh || TERMINAL.has(fresh.status)) return "stop";
    memo.splice(0, memo.length, ...(fresh.memo ?? []));
    s.stepCount = fresh.step_count ?? memo.length;
    s.stateBytes = Number(fresh.state_bytes);
  } else {
    s.stateBytes += size;
    memo.push({ id: ran.id, status: failed ? "failed" : "completed", ...result });
  }
  item.step_id = null;
  item.attempt = 0;
  return "continue";
}
