import "server-only";
import { db } from "@/lib/db";
import { logError } from "@/lib/log";
import { type StorageTarget, stageBlock } from "@/lib/storage";
import { parseDataPath } from "../data-paths";
import { rowFormatOf } from "../inputs";
import { readByteRange } from "../inputs/shared";
import { type JobInputs, readJobInputs } from "../job-snapshot";
import { resolveDataTarget } from "../resolve-data-target";
import { encodeOutput, type PreparedRows, prepareRows, type RowInput, shapeFailedRows } from "./rows";

/** The job's row input when the platform shapes its rows (its kind declares a rowFormat and the job has row controls), else null. */
export function rowInputOf(inputs: JobInputs): RowInput | null {
  const d = inputs.data;
  const format = rowFormatOf(d?.type);
  if (!d?.options || !format) return null;
  return { format, columns: d.columns, options: d.options };
}

/**
 * At finalize, with includePredictionStatus: stages an output block for every mini-batch that failed
 * for good or whose run() returned nothing, its rows carrying the error as their status, so failed
 * rows are in the output file itself. Returns those blocks' indexes and the header to write when no
 * mini-batch was scored (the carried columns and the status).
 */
export async function stageFailedRowBlocks(opts: {
  job: { id: string; workspaceId: string; inputs: unknown; outputHeader: string | null };
  data: RowInput;
  target: StorageTarget;
  outputBlob: string;
  scope: string;
}): Promise<{ indexes: number[]; header: string | null }> {
  if (!opts.data.options.includeStatus) return { indexes: [], header: null };
  const inputs = readJobInputs(opts.job);
  const inPath = parseDataPath(inputs.data?.path ?? "");
  let source: StorageTarget;
  try {
    source = await resolveDataTarget({ workspaceId: opts.job.workspaceId, path: inPath });
  } catch (e) {
    logError(`job ${opts.job.id}: the input could not be opened to write failed rows with their status`, e);
    return { indexes: [], header: null };
  }
  const failed = await db.miniBatch.findMany({
    where: { jobId: opts.job.id, OR: [{ status: "failed" }, { status: "completed", succeededCount: 0 }] },
    orderBy: { index: "asc" },
    select: { index: true, byteStart: true, byteEnd: true, error: true, status: true },
  });
  let header: string | null = null;
  const staged: number[] = [];
  for (const mb of failed) {
    let rows: PreparedRows;
    try {
      rows = prepareRows(await readByteRange(source, inPath.path, mb), opts.data, 0);
    } catch (e) {
      // The input changed or went away since planning: these rows stay in errors.jsonl only; the job still ends.
      logError(`job ${opts.job.id}: the rows of failed mini-batch ${mb.index} could not be re-read for the status column`, e);
      continue;
    }
    const error = mb.error ?? (mb.status === "completed" ? "run() returned no results for this mini-batch" : "The mini-batch failed.");
    const shaped = shapeFailedRows(opts.data, rows, error, opts.job.outputHeader);
    header ??= shaped.header;
    await stageBlock(opts.target, opts.outputBlob, mb.index, shaped.body, opts.scope);
    staged.push(mb.index);
  }
  return { indexes: staged, header: opts.job.outputHeader ? null : header };
}

/** The header block's bytes in the job's encoding (UTF-16 with its byte order mark). */
export function encodedHeader(data: RowInput | null, header: string): Buffer {
  return data ? encodeOutput(data, `${header}\n`, true) : Buffer.from(`${header}\n`);
}
