import type { Op } from "../types";
import type { DriveState, OpDeps } from "./types";

/** RunComplete: the function returned (reported as an op); the run ends Completed with its data. */
export async function runComplete(deps: OpDeps, s: DriveState, op: Op): Promise<void> {
  await deps.store.finishRun(s.run, "Completed", op.data ?? null, null);
}
