import type { PlanHandler } from "./types";
import { opName } from "./types";

/** StepPlanned: a parallel step; each gets its own call request (with the run's concurrency keys). */
export const stepPlanned: PlanHandler = async (_deps, _s, op, plan, now) => {
  plan.steps.push({ id: op.id, name: opName(op), op: "StepRun", status: "planned" });
  plan.queue.push({ kind: "call", step_id: op.id, run_at: new Date(now).toISOString(), ckeys: true });
  return null;
};
