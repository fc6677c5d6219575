// What each kind of queue item does once leased: a call request, or a timer settling a step or a run.
import type { Ingest } from "./ingest";
import { drive, type OpDeps } from "./ops";
import type { Runs } from "./runs";
import { errObj, TERMINAL, type QueueItem, type RunRow } from "./types";

export interface ItemDeps extends OpDeps {
  runs: Runs;
  ingest: Ingest;
}

export async function processItem(d: ItemDeps, item: QueueItem, preloaded?: RunRow): Promise<void> {
  if (d.life.dead) return;
  const { runs } = d;
  const kind = item.kind;
  switch (kind) {
    case "call":
      return drive(d, item, preloaded);
    case "sleep":
      await runs.finishStep({ runId: item.run_id, stepId: item.step_id!, op: "Sleep", result: { data: null }, item });
      return;
    case "wait-timeout":
      await d.runs.deleteWait(item.run_id, item.step_id!);
      await runs.finishStep({ runId: item.run_id, stepId: item.step_id!, op: "WaitForEvent", result: { data: null }, item });
      return;
    case "invoke-timeout":
      await runs.finishStep({
        runId: item.run_id,
        stepId: item.step_id!,
        op: "InvokeFunction",
        result: { error: errObj("InngestInvokeTimeoutError", "Timed out waiting for invoked function to complete") },
        item,
      });
      return;
    case "timeout-finish": {
      const run = await runs.loadRunMeta(item.run_id);
      if (run && !TERMINAL.has(run.status)) {
        await runs.finishRun(run, "Cancelled", null, errObj("FunctionTimeoutError", "function run exceeded timeouts.finish"));
      }
      await runs.deleteItem(item);
      return;
    }
    case "finished":
      return emitFinished(d, item);
    default: {
      const unknown: never = kind;
      d.log(`executor: unknown queue item kind ${String(unknown)}`);
      await runs.deleteItem(item);
    }
  }
}

/** The outbox of a finished run: inngest/function.finished (+ failed/cancelled), and the invoking parent's step. */
async function emitFinished(d: ItemDeps, item: QueueItem): Promise<void> {
  const run = await d.runs.loadRunMeta(item.run_id);
  if (run && TERMINAL.has(run.status)) {
    const base = { function_id: run.function_id, run_id: run.id, event: run.event };
    const events: Record<string, unknown>[] = [];
    if (run.status === "Completed") {
      events.push({ id: `finished-${run.id}`, name: "inngest/function.finished", data: { ...base, result: run.output } });
    } else {
      events.push({ id: `finished-${run.id}`, name: "inngest/function.finished", data: { ...base, error: run.error } });
      if (run.status === "Failed")
        events.push({ id: `failed-${run.id}`, name: "inngest/function.failed", data: { ...base, error: run.error } });
      else events.push({ id: `cancelled-${run.id}`, name: "inngest/function.cancelled", data: { ...base, error: run.error } });
    }
    await d.ingest.ingest(events, { internal: true });
    if (run.parent_run_id && run.parent_step_id) {
      const result =
        run.status === "Completed"
          ? { data: run.output ?? null }
          : { error: (run.error as object) ?? errObj("Error", `invoked function run ${run.status.toLowerCase()}`) };
      await d.runs.finishStep({ runId: run.parent_run_id, stepId: run.parent_step_id, op: "InvokeFunction", result });
    }
  }
  await d.runs.deleteItem(item);
}
