import "server-only";
import { DEFAULT_DATASTORE_NAME, PLATFORM_PREFIX } from "@/lib/datastores/default-datastore";
import { AppError } from "@/lib/errors";
import { blobExists, blobSize } from "@/lib/storage";
import type { DataPath } from "../data-paths";
import type { JobDataInput, JobSettings } from "../job-snapshot";
import type { MiniBatchLike, PlanContext, ValidateOptions } from "./types";

/** The input has nothing to score, or is not there: the job would fail at once. */
export class EmptyInputError extends AppError {
  constructor(message: string) {
    super("BAD_REQUEST", message, { fieldErrors: { "input.path": [message] } });
    this.name = "EmptyInputError";
  }
}

/** A folder path as a blob prefix: ends with '/' unless it is the container's root. */
export function folderPrefix(path: DataPath): string {
  return path.path && !path.path.endsWith("/") ? `${path.path}/` : path.path;
}

/** Batchpoint's own files share the default store; a folder input over its root leaves them out. */
export function platformPrefixOf(path: DataPath): string | null {
  return path.kind === "datastore" && path.datastore === DEFAULT_DATASTORE_NAME ? PLATFORM_PREFIX : null;
}

/** The size of a one-file input, or EmptyInputError when it is not there. */
export async function inputFileSize(opts: ValidateOptions): Promise<number> {
  const { target, path, shown } = opts;
  const size = path.path && !path.path.endsWith("/") ? await blobSize(target, path.path) : null;
  if (size === null)
    throw new EmptyInputError(`The input file ${shown} does not exist. Check the path, or pick the file from the datastore.`);
  return size;
}

/** Why planning a one-file input cannot start (it is gone), or null. */
export async function missingInputFile(ctx: PlanContext): Promise<string | null> {
  return (await blobExists(ctx.target, ctx.path.path)) ? null : `The input file ${ctx.shown} does not exist.`;
}

/**
 * The 1-based data rows a row mini-batch holds. Every range but the last holds exactly
 * mini_batch_size rows (see splitCsvRows), so the numbers follow from the index.
 */
export function rowRange(settings: JobSettings, mb: MiniBatchLike): [number, number] {
  const first = mb.index * settings.miniBatchSize + 1;
  return [first, first + mb.itemCount - 1];
}

/** A file mini-batch for people: its blobs. */
export function describeFiles(_data: JobDataInput, _settings: JobSettings, mb: MiniBatchLike, limit: number): string[] {
  return Array.isArray(mb.items) ? (mb.items as string[]).slice(0, limit) : [];
}

/** A row mini-batch for people: the file's path and its row numbers. */
export function describeRows(data: JobDataInput, settings: JobSettings, mb: MiniBatchLike): string[] {
  const [a, b] = rowRange(settings, mb);
  return [`${data.path} rows ${a.toLocaleString("en")}–${b.toLocaleString("en")}`];
}
