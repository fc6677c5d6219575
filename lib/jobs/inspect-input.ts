import "server-only";
import { AppError } from "@/lib/errors";
import type { StorageTarget } from "@/lib/storage";
import { resolveDataAssetInput } from "@/lib/data-assets/data-assets";
import { DataPathError, formatDataPath, parseDataPath, type DataPath } from "./data-paths";
import { permanentStorageError } from "./job-failure";
import { resolveDataTarget } from "./resolve-data-target";
import { dataInputModule, type DataInputType } from "./inputs";
import type { InputTally } from "./inputs/types";
import type { CsvDialect } from "./split-csv";

export { EmptyInputError } from "./inputs/shared";

/** CSVs up to this size are counted row by row; bigger ones only by their size (planning counts them). */
export const ROW_COUNT_MAX_BYTES = 16 * 1024 * 1024;

/** What a job over an input would score: files (folder, file) or rows (tabular CSV, JSON Lines). */
export interface InputCount extends InputTally {
  unit: "file" | "row";
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
  const input = dataInputModule(opts.type);
  const tally = await input.validate({
    target: opts.target,
    path: opts.path,
    shown: formatDataPath(opts.path),
    limit: opts.limit ?? 100_000,
    countRowsUpTo: opts.countRowsUpTo ?? ROW_COUNT_MAX_BYTES,
    dialect: opts.dialect,
  });
  return { unit: input.unit === "rows" ? "row" : "file", ...tally };
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
