import { parseDuration } from "../util";
import type { PlanHandler } from "./types";
import { opName } from "./types";

/** WaitForEvent: a wait row matched by ingestion (`if`), and a timer that settles it with null. */
export const waitForEvent: PlanHandler = async (_deps, _s, op, plan, now) => {
  const timeoutMs = parseDuration(String(op.opts?.timeout ?? "0s"));
  const expires = new Date(now + timeoutMs).toISOString();
  plan.steps.push({ id: op.id, name: opName(op), op: "WaitForEvent", status: "waiting" });
  plan.waits.push({ step_id: op.id, event_name: String(op.name), expr: (op.opts?.if as string) ?? null, expires_at: expires });
  plan.queue.push({ kind: "wait-timeout", step_id: op.id, run_at: expires });
  return null;
};
