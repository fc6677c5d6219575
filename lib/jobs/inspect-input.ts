import "server-only";
import { DEFAULT_DATASTORE_NAME, PLATFORM_PREFIX } from "@/lib/datastores/default-datastore";
import { AppError } from "@/lib/errors";
import { blobSize, downloadBlob, listBlobs, type StorageTarget } from "@/lib/storage";
import { resolveDataAssetInput } from "@/lib/data-assets/data-assets";
import { DataPathError, formatDataPath, parseDataPath, type DataPath } from "./data-paths";
import { permanentStorageError } from "./job-failure";
import { resolveDataTarget } from "./resolve-data-target";
import type { DataInputType } from "./invoke-job";
import { JsonlSplitError, splitJsonLines } from "./tabular/split-jsonl";
import { type CsvDialect, CsvSplitError, splitCsvRows } from "./split-csv";

/** CSVs up to this size are counted row by row; bigger ones only by their size (planning counts them). */
export const ROW_COUNT_MAX_BYTES = 16 * 1024 * 1024;

/** csv-parse's own errors (INVALID_OPENING_QUOTE, CSV_RECORD_INCONSISTENT_FIELDS_LENGTH, …). */
function isCsvParseError(e: unknown): boolean {
  const code = (e as { code?: unknown })?.code;
  return typeof code === "string" && /^(CSV_|INVALID_)/.test(code);
}

/** What a job over an input would score: files (folder, file) or rows (tabular CSV, JSON Lines). */
export interface InputCount {
  unit: "file" | "row";
  /** null: a CSV too big to count here; planning counts it. */
  count: number | null;
  /** More than `limit` files: counting stopped there. */
  capped: boolean;
  bytes: number;
  /** A CSV that planning will refuse (binary, garbled): said before the job starts, but not a reason to refuse here. */
  warning?: string;
}

/** The input has nothing to score, or is not there: the job would fail at once. */
export class EmptyInputError extends AppError {
  constructor(message: string) {
    super("BAD_REQUEST", message, { fieldErrors: { "input.path": [message] } });
    this.name = "EmptyInputError";
  }
}

/**
 * Counts what a job would score, by the planner's own rules (platform files left out of a folder over
 * the default store's root), and throws EmptyInputError when the path is missing or holds nothing.
 * `limit` caps the files counted in a folder (1 is enough to know it is not empty).
 */
export async function inspectInput(opts: {
  target: StorageTarget;
  path: DataPath;
  type: DataInputType;
  limit?: number;
  countRowsUpTo?: number;
  /** The job's CSV dialect (delimiter, quote, encoding), when it sets one. */
  dialect?: CsvDialect;
}): Promise<InputCount> {
  const { target, path, type } = opts;
  const shown = formatDataPath(path);
  const limit = opts.limit ?? 100_000;
  if (type === "uri_folder") {
    const prefix = path.path && !path.path.endsWith("/") ? `${path.path}/` : path.path;
    const platform = path.kind === "datastore" && path.datastore === DEFAULT_DATASTORE_NAME ? PLATFORM_PREFIX : null;
    let count = 0;
    let bytes = 0;
    for await (const page of listBlobs(target, prefix, Math.min(1000, Math.max(limit + 1, 10)), () => {})) {
      for (const b of page) {
        if (b.path.endsWith("/") || (platform && b.path.startsWith(platform))) continue;
        if (count >= limit) return { unit: "file", count, capped: true, bytes };
        count++;
        bytes += b.size;
      }
    }
    if (count === 0)
      throw new EmptyInputError(`No input files were found under ${shown}. Check the path and that the files were uploaded.`);
    return { unit: "file", count, capped: false, bytes };
  }
  const size = path.path && !path.path.endsWith("/") ? await blobSize(target, path.path) : null;
  const file = size === null ? null : { size };
  if (!file) throw new EmptyInputError(`The input file ${shown} does not exist. Check the path, or pick the file from the datastore.`);
  if (type === "uri_file") return { unit: "file", count: 1, capped: false, bytes: file.size };
  if (type === "jsonl") {
    if (file.size === 0) throw new EmptyInputError(`The JSON Lines file ${shown} is empty: it needs one JSON object per line.`);
    if (file.size > (opts.countRowsUpTo ?? ROW_COUNT_MAX_BYTES)) return { unit: "row", count: null, capped: false, bytes: file.size };
    try {
      const { rows } = await splitJsonLines(await downloadBlob(target, path.path), Number.MAX_SAFE_INTEGER, async () => {});
      if (rows === 0) throw new EmptyInputError(`The JSON Lines file ${shown} has no lines to score.`);
      return { unit: "row", count: rows, capped: false, bytes: file.size };
    } catch (e) {
      if (e instanceof JsonlSplitError) return { unit: "row", count: null, capped: false, bytes: file.size, warning: e.message };
      throw e;
    }
  }
  if (file.size === 0) throw new EmptyInputError(`The CSV ${shown} is empty: it needs a header line and at least one row.`);
  if (file.size > (opts.countRowsUpTo ?? ROW_COUNT_MAX_BYTES)) return { unit: "row", count: null, capped: false, bytes: file.size };
  try {
    const { rows } = await splitCsvRows(await downloadBlob(target, path.path), Number.MAX_SAFE_INTEGER, async () => {}, opts.dialect);
    if (rows === 0) throw new EmptyInputError(`The CSV ${shown} has a header but no rows to score.`);
    return { unit: "row", count: rows, capped: false, bytes: file.size };
  } catch (e) {
    // A CSV that does not parse (here, perhaps without the job's dialect) is counted by planning, which says why.
    if (e instanceof CsvSplitError || isCsvParseError(e))
      return { unit: "row", count: null, capped: false, bytes: file.size, warning: (e as Error).message };
    throw e;
  }
}

/** The invoke form's live count: what a job over `input` would score, or why it would score nothing. */
export async function countJobInput(opts: {
  workspaceId: string;
  input: { type: DataInputType; path: string };
}): Promise<({ ok: true } & InputCount) | { ok: false; message: string }> {
  try {
    const data = await resolveDataAssetInput({ workspaceId: opts.workspaceId, input: opts.input });
    const path = parseDataPath(data.path);
    const target = await resolveDataTarget({ workspaceId: opts.workspaceId, path });
    return { ok: true, ...(await inspectInput({ target, path, type: data.type })) };
  } catch (e) {
    if (e instanceof DataPathError || e instanceof AppError) return { ok: false, message: e.message };
    const permanent = permanentStorageError(e, opts.input.path.replace(/\?.*$/, ""));
    if (permanent) return { ok: false, message: permanent };
    throw e;
  }
}
