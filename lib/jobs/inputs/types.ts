import type { StorageTarget } from "@/lib/storage";
import type { DataPath } from "../data-paths";
import type { JobDataInput, JobSettings } from "../job-snapshot";
import type { CsvDialect } from "../split-csv";

/** What a job's input is split and counted in. */
export type InputUnit = "files" | "rows";

/** What the invoke-time check counts (InputCount without its unit, which the module declares). */
export interface InputTally {
  /** null: too big to count here; planning counts it. */
  count: number | null;
  /** More than `limit` files: counting stopped there. */
  capped: boolean;
  bytes: number;
  /** An input that planning will refuse (binary, garbled): said before the job starts, but not a reason to refuse here. */
  warning?: string;
}

export interface ValidateOptions {
  target: StorageTarget;
  path: DataPath;
  /** The path as people read it (no SAS). */
  shown: string;
  /** Caps the files counted in a folder (1 is enough to know it is not empty). */
  limit: number;
  /** Files up to this size are read to count their rows; bigger ones are left to planning. */
  countRowsUpTo: number;
  /** The job's CSV dialect (delimiter, quote, encoding), when it sets one. */
  dialect?: CsvDialect;
}

/** One mini-batch as the planner writes it: a list of blobs, or a byte range of one file on record boundaries. */
export type PlannedMiniBatch =
  | { items: string[]; itemCount: number }
  | { byteStart: number; byteEnd: number; firstLine: number; itemCount: number };

export interface PlanContext {
  data: JobDataInput;
  settings: JobSettings;
  target: StorageTarget;
  path: DataPath;
  /** The path as people read it (no SAS). */
  shown: string;
  /** Writes the next mini-batch (the planner numbers them and inserts them in chunks). */
  add(mb: PlannedMiniBatch): Promise<void>;
}

/** `count`: files or rows found; `data`: what the planner learned about the input (a CSV's header), stored on the job. `error` fails the job. */
export type PlanOutcome = { count: number; data?: JobDataInput } | { error: string };

export interface MiniBatchLike {
  index: number;
  items: unknown;
  itemCount: number;
}

/**
 * One kind of data input (`inputs.data.type`). Adding a kind is one file implementing this and one
 * line in ./index.ts; invoke, the invoke-time check, planning, the API's `unit` and the pages follow.
 */
export interface DataInputModule<T extends string = string> {
  type: T;
  unit: InputUnit;
  /** The predictions file a job writes when neither the deployment nor the job names one. */
  defaultOutputFileName?: string;
  /** At invoke and in the invoke form: counts what a job would score; throws EmptyInputError when there is nothing. */
  validate(opts: ValidateOptions): Promise<InputTally>;
  /** Splits the input into mini-batches through `ctx.add`, in a deterministic order; returns counts only. */
  plan(ctx: PlanContext): Promise<PlanOutcome>;
  /** What a mini-batch scores, for people (at most `limit` lines). */
  describe(data: JobDataInput, settings: JobSettings, mb: MiniBatchLike, limit: number): string[];
}
