// Planning ops of a discovery call: one handler per op code, and the run's RunComplete.
import { LIMITS } from "../config";
import type { Plan } from "../runs";
import { dedupeBy, errObj, type Op } from "../types";
import { invokeFunction } from "./invoke-function";
import { runComplete } from "./run-complete";
import { sleep } from "./sleep";
import { stepPlanned } from "./step-planned";
import type { DriveState, OpDeps, PlanHandler } from "./types";
import { waitForEvent } from "./wait-for-event";

export const PLAN_HANDLERS: Readonly<Record<string, PlanHandler>> = {
  StepPlanned: stepPlanned,
  Sleep: sleep,
  WaitForEvent: waitForEvent,
  InvokeFunction: invokeFunction,
};

/** Act on newly reported ops (StepPlanned / Sleep / WaitForEvent / InvokeFunction / RunComplete). */
export async function planOps(deps: OpDeps, s: DriveState, ops: Op[]): Promise<void> {
  const complete = ops.find((o) => o.op === "RunComplete");
  if (complete) return runComplete(deps, s, complete);
  const unsupported = ops.find((o) => !Object.hasOwn(PLAN_HANDLERS, o.op));
  if (unsupported) {
    await deps.store.finishRun(
      s.run,
      "Failed",
      null,
      errObj(
        "UnsupportedOp",
        `step "${unsupported.displayName ?? unsupported.id}" uses op ${unsupported.op}, which the embedded executor does not implement`,
      ),
    );
    return;
  }
  const known = await deps.store.knownStepIds(
    s.run.id,
    ops.map((o) => o.id),
  );
  const fresh = dedupeBy(
    ops.filter((o) => !known.has(o.id)),
    (o) => o.id,
  );
  if (s.stepCount + fresh.length > LIMITS.maxStepsPerRun) {
    await deps.store.finishRun(s.run, "Failed", null, errObj("TooManySteps", `run exceeded the limit of ${LIMITS.maxStepsPerRun} steps`));
    return;
  }
  const plan: Plan = { steps: [], queue: [], waits: [], children: [] };
  const now = Date.now();
  for (const op of fresh) {
    const failure = await PLAN_HANDLERS[op.op](deps, s, op, plan, now);
    if (failure) {
      await deps.store.finishRun(s.run, "Failed", null, failure);
      return;
    }
  }
  await deps.store.applyPlan(s.run.id, s.item, plan);
}
