// A fake driver (scripted SDK responses) and a fake run store (recording writes) for the op handlers' unit tests.
import type { FnDef } from "../config";
import type { CallResult, SdkDriver } from "../driver";
import type { AttemptRecord, FinishStepOptions, Plan } from "../runs";
import type { FinalStatus, FinishStepResult, Lifecycle, Op, QueueItem, RunRow } from "../types";
import type { OpDeps, RunStore } from "./types";

export function fnDef(over: Partial<FnDef> = {}): FnDef {
  return {
    id: "app-f",
    name: "f",
    appId: "app",
    url: "http://127.0.0.1:1/api/inngest",
    triggers: [{ event: "t/go" }],
    maxAttempts: 4,
    concurrency: [],
    cancel: [],
    timeouts: {},
    ...over,
  } as FnDef;
}

export function runRow(over: Partial<RunRow> = {}): RunRow {
  return {
    id: "run-1",
    function_id: "app-f",
    status: "Running",
    event: { id: "ev-1", name: "t/go", data: {}, ts: 1 },
    output: null,
    error: null,
    parent_run_id: null,
    parent_step_id: null,
    state_bytes: 10,
    step_count: 0,
    memo: [],
    ...over,
  };
}

export function queueItem(over: Partial<QueueItem> = {}): QueueItem {
  return { id: 7, run_id: "run-1", kind: "call", step_id: null, attempt: 0, ...over };
}

/** Scripted SDK: each call returns the next response; the request bodies are kept. */
export class FakeDriver implements SdkDriver {
  calls: { fn: string; stepId: string | null; body: Record<string, unknown> }[] = [];
  constructor(private responses: CallResult[]) {}
  async call(fn: FnDef, stepId: string | null, body: string): Promise<CallResult> {
    this.calls.push({ fn: fn.id, stepId, body: JSON.parse(body) });
    const next = this.responses.shift();
    if (!next) throw new Error("FakeDriver: no scripted response left");
    return next;
  }
  async sync(): Promise<void> {}
}

export const ops = (...list: Op[]): CallResult => ({ kind: "ops", ops: list, noRetry: false, retryAfter: null });

/** Records every write; finish_step answers from a script (default "discover"). */
export class FakeStore implements RunStore {
  finished: { runId: string; status: FinalStatus; output: unknown; error: unknown }[] = [];
  steps: FinishStepOptions[] = [];
  retries: { itemId: number; stepId: string | null; delayMs: number; stepName?: string | null }[] = [];
  plans: { runId: string; itemId: number; plan: Plan }[] = [];
  attempts: AttemptRecord[] = [];
  deleted: number[] = [];
  released: number[] = [];
  known = new Set<string>();
  finishStepAnswers: FinishStepResult[] = [];
  fresh: RunRow | undefined;

  async finishRun(run: RunRow, status: FinalStatus, output: unknown, error: unknown): Promise<boolean> {
    this.finished.push({ runId: run.id, status, output, error });
    return true;
  }
  async finishStep(s: FinishStepOptions): Promise<FinishStepResult> {
    this.steps.push(s);
    return this.finishStepAnswers.shift() ?? "discover";
  }
  async retryItem(item: QueueItem, stepId: string | null, delayMs: number, stepName?: string | null): Promise<void> {
    this.retries.push({ itemId: item.id, stepId, delayMs, stepName });
  }
  async loadRunForCall(): Promise<RunRow | undefined> {
    return this.fresh;
  }
  async knownStepIds(_runId: string, ids: string[]): Promise<Set<string>> {
    return new Set(ids.filter((i) => this.known.has(i)));
  }
  async applyPlan(runId: string, item: QueueItem, plan: Plan): Promise<void> {
    this.plans.push({ runId, itemId: item.id, plan });
  }
  recordAttempt(a: AttemptRecord): void {
    this.attempts.push(a);
  }
  backoff(attempt: number, retryAfter: string | null): number {
    return retryAfter ? Number(retryAfter) * 1000 : 100 * 2 ** attempt;
  }
  async deleteItem(item: QueueItem): Promise<void> {
    this.deleted.push(item.id);
  }
  async releaseItem(item: QueueItem): Promise<void> {
    this.released.push(item.id);
  }
}

export function deps(driver: FakeDriver, store: FakeStore, fns: FnDef[] = [fnDef()], life: Lifecycle = { stopping: false, dead: false }) {
  const wakes: number[] = [];
  const d: OpDeps = {
    store,
    driver,
    getFn: async (id) => fns.find((f) => f.id === id),
    life,
    log: () => {},
    wakeAt: (at) => void wakes.push(at),
  };
  return { d, wakes };
}
