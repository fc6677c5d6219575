import { errObj } from "../types";
import { sleepUntil } from "../util";
import type { PlanHandler } from "./types";
import { opName } from "./types";

/** Sleep: a duration or a date in `name`; a timer item settles the step when it is due. */
export const sleep: PlanHandler = async (_deps, _s, op, plan, now) => {
  let until: number;
  try {
    until = sleepUntil(String(op.name ?? ""), now);
  } catch {
    return errObj("InvalidSleep", `step "${opName(op)}": invalid sleep "${op.name}"`);
  }
  plan.steps.push({ id: op.id, name: opName(op), op: "Sleep", status: "sleeping" });
  plan.queue.push({ kind: "sleep", step_id: op.id, run_at: new Date(until).toISOString() });
  return null;
};
