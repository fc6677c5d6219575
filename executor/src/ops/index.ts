// One handler per op code: planning ops (plan.ts: StepPlanned, Sleep, WaitForEvent, InvokeFunction,
// RunComplete), a step the SDK ran (step-result.ts), and the call loop that hands responses to them (drive.ts).
export { drive } from "./drive";
export { PLAN_HANDLERS, planOps } from "./plan";
export { RESULT_OPS, stepResult } from "./step-result";
export type { DriveState, OpDeps, RunStore } from "./types";
