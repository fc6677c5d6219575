import "server-only";
import { createWriteStream } from "node:fs";
import { lstat, mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import { DEFAULT_DATASTORE_NAME, PLATFORM_PREFIX } from "@/lib/datastores/default-datastore";
import { AppError } from "@/lib/errors";
import { blobExists, blobSize, downloadBlob, localFile, localFolder, resolveUnder, type StorageTarget } from "@/lib/storage";
import { type DataPath, maskDataPath } from "../data-paths";
import type { JobDataInput, JobSettings } from "../job-snapshot";
import { prepareRows, type RowInput, shapeScoredRows } from "../tabular/rows";
import type { MaterializeContext, MaterializedInput, MiniBatchLike, PlanContext, ValidateOptions } from "./types";

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

/** A mini-batch's input that retrying cannot fix (a ragged row): the mini-batch fails at once, with this message. */
export class MiniBatchInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "MiniBatchInputError";
  }
}

const DOWNLOAD_PARALLELISM = 8;

/**
 * A files mini-batch's inputs as local paths for run(), in name order. A filesystem datastore's files
 * are read in place: their real paths inside the datastore's folder (a link leading out of it is
 * refused), nothing copied, and BATCH_INPUT_DIR is the input folder itself. A blob's are downloaded
 * into `ctx.inputDir`, under their path relative to the input folder `base`.
 */
export async function materializeFiles(ctx: MaterializeContext, base: string): Promise<MaterializedInput> {
  const { target, inputDir } = ctx;
  const items = (ctx.mb.items as string[] | null) ?? [];
  const inPlace = items.length ? await localFiles(target, items) : null;
  if (inPlace) {
    return {
      input: { kind: "files", files: inPlace.sort(), regularFiles: true },
      inputDir: (await localFolder(target, base)) ?? inputDir,
    };
  }
  const files: string[] = [];
  for (let i = 0; i < items.length; i += DOWNLOAD_PARALLELISM) {
    await Promise.all(
      items.slice(i, i + DOWNLOAD_PARALLELISM).map(async (blob) => {
        const rel = blob.startsWith(base) ? blob.slice(base.length) : path.posix.basename(blob);
        const local = resolveUnder(inputDir, rel, "input");
        await mkdir(path.dirname(local), { recursive: true });
        await pipeline(await downloadBlob(target, blob), createWriteStream(local));
        files.push(local);
      }),
    );
  }
  return { input: { kind: "files", files: files.sort() }, inputDir };
}

/**
 * The real paths of a filesystem datastore's files, each as `localFile` answers it (a link inside the
 * folder followed, a link leading out refused, a missing file an error), or null when the target is
 * not on this machine (blobs are downloaded). The cheap way first, since this runs for every file
 * scored: each distinct folder is resolved once (the datastore's real root, then every segment a real
 * folder, no link), and a file in it that lstat says is a regular file (not a link) is its own real
 * path, inside the datastore. Anything else (a link, a folder reached through one, a missing file)
 * goes through localFile's realpath check, which refuses it or follows it as before.
 */
async function localFiles(target: StorageTarget, items: string[]): Promise<string[] | null> {
  const root = await localFolder(target, "");
  if (!root) return null;
  const folders = new Map<string, Promise<string | null>>();
  const folderOf = (dir: string) => {
    let real = folders.get(dir);
    if (!real) {
      real = localFolder(target, dir).catch(() => null);
      folders.set(dir, real);
    }
    return real;
  };
  return Promise.all(
    items.map(async (blob) => {
      const cut = blob.lastIndexOf("/") + 1;
      const full = resolveUnder(root, blob); // the name rule and no way out of the folder, as localFile checks them
      const dir = await folderOf(blob.slice(0, cut));
      if (dir !== null && path.join(dir, blob.slice(cut)) === full) {
        const st = await lstat(full).catch(() => null);
        if (st?.isFile()) return full;
      }
      const real = await localFile(target, blob);
      if (real === null) throw new Error(`'${blob}' is not a file of the datastore's folder.`);
      return real;
    }),
  );
}

/** A row mini-batch's byte range of `blob`, as bytes. */
export async function readByteRange(
  target: StorageTarget,
  blob: string,
  mb: { byteStart: bigint | number | null; byteEnd: bigint | number | null },
): Promise<Buffer> {
  const offset = Number(mb.byteStart ?? 0);
  const stream = await downloadBlob(target, blob, { offset, count: Number(mb.byteEnd ?? 0) - offset });
  const parts: Buffer[] = [];
  for await (const chunk of stream as AsyncIterable<Buffer>) parts.push(chunk);
  return Buffer.concat(parts);
}

/**
 * A row mini-batch whose rows the platform shapes (jsonl, or tabular with row controls): its byte range
 * decoded with the job's dialect and encoding, written for the worker as UTF-8 (a standard CSV with its
 * header, or JSON Lines); run()'s result is joined with the carried columns, renamed and given a status.
 */
export async function materializeShapedRows(ctx: MaterializeContext, rowInput: RowInput): Promise<MaterializedInput> {
  const { mb, inputDir } = ctx;
  const file = path.join(inputDir, rowInput.format === "jsonl" ? "rows.jsonl" : "rows.csv");
  await mkdir(inputDir, { recursive: true });
  const [firstRow] = rowRange(ctx.settings, mb);
  const prepared = prepareRows(await readByteRange(ctx.target, ctx.path.path, mb), rowInput, firstRow);
  await writeFile(file, prepared.workerText);
  if (prepared.ragged)
    throw new MiniBatchInputError(
      `${prepared.ragged} (input ${maskDataPath(ctx.data.path)}). Fix the row, or quote fields that contain the delimiter.`,
    );
  return {
    input: { kind: prepared.kind, file, rowCount: mb.itemCount },
    inputDir,
    outputPart: (result, succeeded) => (succeeded > 0 ? shapeScoredRows(rowInput, prepared, result) : null),
  };
}
