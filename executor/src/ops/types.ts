import type { FnDef } from "../config";
import type { SdkDriver } from "../driver";
import type { Plan, Runs } from "../runs";
import type { ErrorObject, Lifecycle, Log, MemoStep, Op, QueueItem, RunRow } from "../types";

/** The run store the op handlers write through (the real one is `Runs`; unit tests use a fake). */
export type RunStore = Pick<
  Runs,
  | "finishRun"
  | "finishStep"
  | "retryItem"
  | "loadRunForCall"
  | "knownStepIds"
  | "applyPlan"
  | "recordAttempt"
  | "backoff"
  | "deleteItem"
  | "releaseItem"
>;

export interface OpDeps {
  store: RunStore;
  driver: SdkDriver;
  getFn(id: string): Promise<FnDef | undefined>;
  life: Lifecycle;
  log: Log;
  /** Wake the lease loop when work this process queued falls due. */
  wakeAt(at: number): void;
}

/** One run being driven through call requests: what the next call sends, and the run's running totals. */
export interface DriveState {
  run: RunRow;
  fn: FnDef;
  item: QueueItem;
  memo: MemoStep[];
  stepCount: number;
  stateBytes: number;
}

/** A planning op (StepPlanned, Sleep, WaitForEvent, InvokeFunction) adds rows to the plan, or fails the run. */
export type PlanHandler = (deps: OpDeps, s: DriveState, op: Op, plan: Plan, now: number) => Promise<ErrorObject | null>;

export const opName = (op: Op): string => op.displayName ?? op.name ?? op.id;
