import type { MiniBatchInput, MiniBatchSuccess } from "@/lib/scoring/types";
import type { StorageTarget } from "@/lib/storage";
import type { DataPath } from "../data-paths";
import type { JobDataInput, JobSettings } from "../job-snapshot";
import type { CsvDialect } from "../split-csv";

/** What a job's input is split and counted in. */
export type InputUnit = "files" | "rows";

/**
 * How the platform reads a row kind's rows to apply the row controls (passthrough columns, renames,
 * prediction_status, failed rows written into the output): CSV records in the job's dialect, or JSON lines.
 */
export type RowFormat = "csv" | "jsonl";

/** What the dashboard's forms show of a kind: plain data, so a server page hands it to a client form as props. */
export interface DataInputChoice {
  type: string;
  label: string;
  description: string;
  unit: InputUnit;
  /** The kind takes the row controls (the forms' "Advanced tabular options"). */
  acceptsRowOptions: boolean;
}

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

/** A mini-batch as scoring reads it: its list of blobs (`items`), or its byte range of the input on record boundaries. */
export interface MiniBatchToScore extends MiniBatchLike {
  byteStart: bigint | null;
  byteEnd: bigint | null;
  firstLine: number | null;
  /**
   * Whether an earlier attempt published script output files, when the caller read it with the
   * mini-batch (a lane's claim does); absent: publishing asks the database.
   */
  hasScriptOutputs?: boolean;
}

export interface MaterializeContext {
  data: JobDataInput;
  settings: JobSettings;
  /** The input's storage, and the input's path in it. */
  target: StorageTarget;
  path: DataPath;
  mb: MiniBatchToScore;
  /**
   * This attempt's input folder (not created yet): whatever the module stages goes under it. The
   * caller removes the attempt's folder after run(), whatever happened, so nothing else needs cleaning up.
   */
  inputDir: string;
}

/** One output part to stage for a mini-batch: its rows, and the header to write once at the top of the output. */
export interface OutputPart {
  header: string | null;
  body: Buffer;
}

/** What run() is given for one mini-batch. */
export interface MaterializedInput {
  /** Local files, or a rows file that run() reads as a DataFrame / a list of dicts. */
  input: MiniBatchInput;
  /** BATCH_INPUT_DIR while run() runs: `ctx.inputDir`, or the input folder itself when its files are read in place. */
  inputDir: string;
  /**
   * The output part for run()'s result when the platform shapes the rows itself (row controls: passthrough
   * columns, renames, a status); null stages nothing. Without it, run()'s own rows are staged as they are.
   */
  outputPart?(result: MiniBatchSuccess, succeeded: number): OutputPart | null;
}

/**
 * One kind of data input (`inputs.data.type`). Adding a kind is one file implementing this and one
 * line in ./index.ts; invoke, the invoke-time check, planning, scoring, the API's `unit` and the pages follow.
 */
export interface DataInputModule<T extends string = string> {
  type: T;
  /** The forms' name for it, e.g. "CSV split by rows"; shown as "label (type)". */
  label: string;
  /** One sentence for the forms: what a path of this kind names and what run() is given. */
  description: string;
  unit: InputUnit;
  /**
   * Set when the kind takes the row controls (passthroughColumns, columnNamesRemapping,
   * includePredictionStatus, …): how its rows are read to apply them. Absent: they are refused at invoke
   * and run()'s rows are staged as they are.
   */
  rowFormat?: RowFormat;
  /** The predictions file a job writes when neither the deployment nor the job names one. */
  defaultOutputFileName?: string;
  /** At invoke and in the invoke form: counts what a job would score; throws EmptyInputError when there is nothing. */
  validate(opts: ValidateOptions): Promise<InputTally>;
  /** Splits the input into mini-batches through `ctx.add`, in a deterministic order; returns counts only. */
  plan(ctx: PlanContext): Promise<PlanOutcome>;
  /**
   * Stages what run() is given for a mini-batch (downloads its files, or reads them in place; reads its
   * byte range). Throws MiniBatchInputError when retrying cannot help (a ragged row): the mini-batch fails
   * at once with that message; any other error is retried.
   */
  materialize(ctx: MaterializeContext): Promise<MaterializedInput>;
  /** What a mini-batch scores, for people (at most `limit` lines). */
  describe(data: JobDataInput, settings: JobSettings, mb: MiniBatchLike, limit: number): string[];
}
