import { errObj } from "../types";
import { parseDuration, ulid } from "../util";
import type { PlanHandler } from "./types";
import { opName } from "./types";

/** InvokeFunction: a child run (created with the plan, in one transaction) whose end settles the step. */
export const invokeFunction: PlanHandler = async (deps, s, op, plan, now) => {
  const name = opName(op);
  const target = await deps.getFn(String(op.opts?.function_id ?? ""));
  if (!target) return errObj("FunctionNotFound", `step "${name}": invoked function "${op.opts?.function_id}" is not synced`);
  const payload = (op.opts?.payload ?? {}) as { data?: Record<string, unknown>; v?: string };
  plan.children.push({
    fn: target,
    event: { id: ulid(now), name: "inngest/function.invoked", data: payload.data ?? {}, ts: now, ...(payload.v ? { v: payload.v } : {}) },
    parentRunId: s.run.id,
    parentStepId: op.id,
  });
  plan.steps.push({ id: op.id, name, op: "InvokeFunction", status: "invoking" });
  if (op.opts?.timeout) {
    plan.queue.push({
      kind: "invoke-timeout",
      step_id: op.id,
      run_at: new Date(now + parseDuration(String(op.opts.timeout))).toISOString(),
    });
  }
  return null;
};
