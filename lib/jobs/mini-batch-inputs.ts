import "server-only";
import { createWriteStream } from "node:fs";
import { mkdir } from "node:fs/promises";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import { downloadBlob, localFile, localFolder, resolveUnder, type StorageTarget } from "@/lib/storage";
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

const DOWNLOAD_PARALLELISM = 8;

/**
 * A files mini-batch's inputs as local paths for run(), in name order. A filesystem datastore's files
 * are read in place: their real paths inside the datastore's folder (a link leading out of it is
 * refused), nothing copied, and `inputDir` is the input folder itself. A blob's are downloaded into
 * `inputDir`, under their path relative to the input folder `base`.
 */
export async function stageMiniBatchFiles(opts: {
  source: StorageTarget;
  items: string[];
  base: string;
  inputDir: string;
}): Promise<{ files: string[]; inputDir: string }> {
  const { source, items, base, inputDir } = opts;
  const inPlace = await Promise.all(items.map((blob) => localFile(source, blob)));
  if (items.length && inPlace.every((f): f is string => f !== null)) {
    return { files: inPlace.sort(), inputDir: (await localFolder(source, base)) ?? inputDir };
  }
  const files: string[] = [];
  for (let i = 0; i < items.length; i += DOWNLOAD_PARALLELISM) {
    await Promise.all(
      items.slice(i, i + DOWNLOAD_PARALLELISM).map(async (blob) => {
        const rel = blob.startsWith(base) ? blob.slice(base.length) : path.posix.basename(blob);
        const local = resolveUnder(inputDir, rel, "input");
        await mkdir(path.dirname(local), { recursive: true });
        await pipeline(await downloadBlob(source, blob), createWriteStream(local));
        files.push(local);
      }),
    );
  }
  return { files: files.sort(), inputDir };
}
