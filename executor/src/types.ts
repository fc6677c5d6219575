// Shared shapes of the executor: events, runs, queue items, ops. No behaviour here.

export interface InngestEvent {
  id: string;
  name: string;
  data: Record<string, unknown>;
  ts: number;
  user?: Record<string, unknown>;
  v?: string;
}

export type FinalStatus = "Completed" | "Failed" | "Cancelled";
export type RunStatus = "Queued" | "Running" | FinalStatus;
export const TERMINAL: ReadonlySet<string> = new Set<FinalStatus>(["Completed", "Failed", "Cancelled"]);

/** What a queue row asks for: a call request, or a timer that settles a step or ends a run. */
export type QueueItemKind = "call" | "sleep" | "wait-timeout" | "invoke-timeout" | "timeout-finish" | "finished";

export interface QueueItem {
  id: number;
  run_id: string;
  kind: QueueItemKind;
  step_id: string | null;
  attempt: number;
}

export interface MemoStep {
  id: string;
  data?: unknown;
  error?: unknown;
  status: string;
}

export interface RunRow {
  id: string;
  function_id: string;
  status: RunStatus;
  event: InngestEvent;
  output: unknown;
  error: unknown;
  parent_run_id: string | null;
  parent_step_id: string | null;
  state_bytes: number;
  just_started?: boolean;
  step_count?: number;
  memo?: MemoStep[];
}

/** An op code the SDK reports in a 206 response. */
export interface Op {
  id: string;
  op: string;
  name?: string;
  displayName?: string;
  data?: unknown;
  error?: unknown;
  opts?: Record<string, unknown>;
}

export interface ErrorObject {
  name: string;
  message: string;
}

export function errObj(name: string, message: string): ErrorObject {
  return { name, message };
}

export class HttpError extends Error {
  constructor(
    public status: number,
    message: string,
  ) {
    super(message);
  }
}

/** What finish_step answered: the run's next discovery call is queued, or not needed, or the step was already settled. */
export type FinishStepResult = "discover" | "enqueued" | "wait" | "dup" | "gone";

/** Wakes the lease loop now, or at a time (epoch ms) for work queued for later. */
export interface Waker {
  wake(): void;
  wakeAt(at: number): void;
}

/** The engine's lifecycle as the parts see it: stopping (draining) and dead (stopped or crashed). */
export interface Lifecycle {
  stopping: boolean;
  dead: boolean;
}

export type Log = (line: string) => void;

export function dedupeBy<T>(list: T[], key: (t: T) => string): T[] {
  const seen = new Set<string>();
  return list.filter((x) => {
    const k = key(x);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
