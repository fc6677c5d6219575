import type { JobInputs, JobSettings } from "./invoke-job";

type JobLike = { inputs: unknown; settings: unknown };
type MiniBatchLike = { index: number; items: unknown; itemCount: number };

/** What a job's input is split and counted in: CSV rows for tabular input, lines for jsonl, files for the rest. */
export function inputUnit(job: { inputs: unknown }): "row" | "file" {
  const type = (job.inputs as JobInputs).data?.type;
  return type === "tabular" || type === "jsonl" ? "row" : "file";
}

/**
 * The 1-based data rows a tabular mini-batch holds. Every range but the last holds exactly
 * mini_batch_size rows (see splitCsvRows), so the numbers follow from the index.
 */
export function rowsOf(job: JobLike, mb: MiniBatchLike): [number, number] | null {
  if (inputUnit(job) !== "row") return null;
  const first = mb.index * (job.settings as JobSettings).miniBatchSize + 1;
  return [first, first + mb.itemCount - 1];
}

/** What a mini-batch scores, for people: its files, or the CSV's path and row numbers (at most `limit` lines). */
export function describeMiniBatchInputs(job: JobLike, mb: MiniBatchLike, limit = 50): string[] {
  const rows = rowsOf(job, mb);
  if (rows) return [`${(job.inputs as JobInputs).data?.path} rows ${rows[0].toLocaleString("en")}–${rows[1].toLocaleString("en")}`];
  return Array.isArray(mb.items) ? (mb.items as string[]).slice(0, limit) : [];
}
