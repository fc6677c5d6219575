import "server-only";
import { dataInputModule } from "./inputs";
import type { MiniBatchLike } from "./inputs/types";
import { rowRange } from "./inputs/shared";
import { type JobInputs, readJobInputs, readJobSnapshot } from "./job-snapshot";

type JobLike = { inputs: unknown; settings: unknown };

/** What a job's input is split and counted in: its input module's unit (rows for tabular and jsonl, files for the rest). */
export function inputUnit(job: { inputs: unknown }): "row" | "file" {
  const type = readJobInputs(job).data?.type;
  return type && dataInputModule(type).unit === "rows" ? "row" : "file";
}

/** What the API and the pages count a job in: its data input's unit, or items (sources), or the one run of a job without data. */
export function jobUnit(inputs: JobInputs): "files" | "rows" | "items" | "runs" {
  if (inputs.sources) return "items";
  return inputs.data ? dataInputModule(inputs.data.type).unit : "runs";
}

/**
 * The 1-based data rows a row mini-batch holds. Every range but the last holds exactly
 * mini_batch_size rows (see splitCsvRows), so the numbers follow from the index.
 */
export function rowsOf(job: JobLike, mb: MiniBatchLike): [number, number] | null {
  if (inputUnit(job) !== "row") return null;
  return rowRange(readJobSnapshot(job).settings, mb);
}

/** What a mini-batch scores, for people: its input module's description (files, or the file's path and row numbers), at most `limit` lines. */
export function describeMiniBatchInputs(job: JobLike, mb: MiniBatchLike, limit = 50): string[] {
  const { settings, inputs } = readJobSnapshot(job);
  if (!inputs.data) return Array.isArray(mb.items) ? (mb.items as string[]).slice(0, limit) : [];
  return dataInputModule(inputs.data.type).describe(inputs.data, settings, mb, limit);
}
