import "server-only";
import { db, type Prisma } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { DEFAULT_DATASTORE_NAME, PLATFORM_PREFIX } from "@/lib/datastores/default-datastore";
import { blobExists, downloadBlob, listBlobs } from "@/lib/storage";
import { formatDataPath, parseDataPath } from "./data-paths";
import type { JobInputs, JobSettings } from "./invoke-job";
import { resolveDataTarget } from "./resolve-data-target";
import { insertMiniBatches, type NewMiniBatch } from "./insert-mini-batches";
import { failJob, permanentStorageError } from "./job-failure";
import { CsvSplitError, splitCsvRows } from "./split-csv";
import { csvDialectOf } from "./tabular/options";
import { missingColumns, missingColumnsMessage } from "./tabular/rows";
import { JsonlSplitError, splitJsonLines } from "./tabular/split-jsonl";
import { planItems } from "./sources/plan-items";

/** Azure allows 50,000 committed blocks per blob; one block per mini-batch plus the header. */
export const MAX_MINI_BATCHES_APPEND_ROW = 49_999;
// Rows per insert: small, so the last statements Prisma keeps for its debug history stay small too (see insertMiniBatches).
const INSERT_CHUNK = 100;

/** `announce`: this call failed the job, so the caller sends its final event (job.failed). */
export type PlanResult =
  | { ok: true; miniBatches: number; files: number }
  | { ok: false; error: string; announce: boolean; generation: number };

/**
 * Splits a job's input into mini-batches: every blob under a folder, recursively, in name order,
 * `miniBatchSize` files each; or, for tabular input, the CSV's records, `miniBatchSize` rows each, as
 * byte ranges on record boundaries (the file is streamed once; its header is kept on the job). Rows
 * are written in chunks as they are found, so memory stays flat in the size of the input. Indexes are deterministic, so re-running after a crash writes
 * nothing twice. Returns counts only.
 */
export async function planJob(opts: { jobId: string }): Promise<PlanResult> {
  const job = await db.job.findUnique({ where: { id: opts.jobId } });
  if (!job) return { ok: false, error: `Job ${opts.jobId} does not exist.`, announce: false, generation: 0 };
  if (job.status !== "queued" && job.status !== "preparing") {
    return job.status === "failed"
      ? { ok: false, error: job.error ?? "The job failed.", announce: false, generation: job.retryGeneration }
      : { ok: true, miniBatches: job.miniBatchesTotal, files: job.filesTotal };
  }
  await db.job.update({
    where: { id: job.id },
    data: { status: "preparing", startedAt: job.startedAt ?? new Date(), progressAt: new Date() },
  });
  const inputs = job.inputs as unknown as JobInputs;
  try {
    return await planInput(job, inputs);
  } catch (e) {
    // Refused credentials, a missing container, a server that is not Azure Blob: retrying cannot help.
    // The path as people read it: a URL's SAS token stays out of the job's error.
    const shown = inputs.data ? safePath(inputs.data.path) : "sources";
    if (e instanceof AppError) return fail(job.id, `${e.message} (input ${shown})`);
    const permanent = permanentStorageError(e, shown);
    if (permanent) return fail(job.id, permanent);
    throw e;
  }
}

async function planInput(job: NonNullable<Awaited<ReturnType<typeof db.job.findUnique>>>, inputs: JobInputs): Promise<PlanResult> {
  const settings = job.settings as unknown as JobSettings;
  if (!inputs.data) return startRunning(job.id, await planItems(job, inputs), inputs.sources?.length ?? 1);
  const path = parseDataPath(inputs.data.path);
  const shown = safePath(inputs.data.path);
  const target = await resolveDataTarget({ workspaceId: job.workspaceId, path });

  let index = 0;
  let files = 0;
  let current: string[] = [];
  let pending: NewMiniBatch[] = [];
  const flushRows = async () => {
    if (!pending.length) return;
    await insertMiniBatches(pending);
    pending = [];
    await db.job.update({ where: { id: job.id }, data: { progressAt: new Date() } });
  };
  const closeBatch = async () => {
    if (!current.length) return;
    pending.push({ workspaceId: job.workspaceId, jobId: job.id, index, items: current, itemCount: current.length });
    index++;
    current = [];
    if (pending.length >= INSERT_CHUNK) await flushRows();
  };

  if (inputs.data.type !== "uri_folder" && !(await blobExists(target, path.path)))
    return fail(job.id, `The input file ${shown} does not exist.`);
  if (inputs.data.type === "tabular" || inputs.data.type === "jsonl") {
    const options = inputs.data.options;
    const dialect = csvDialectOf(options);
    const onRange = async (r: { byteStart: number; byteEnd: number; firstLine: number; rows: number }) => {
      pending.push({
        workspaceId: job.workspaceId,
        jobId: job.id,
        index,
        byteStart: r.byteStart,
        byteEnd: r.byteEnd,
        firstLine: r.firstLine,
        itemCount: r.rows,
      });
      index++;
      if (pending.length >= INSERT_CHUNK) await flushRows();
    };
    try {
      if (inputs.data.type === "jsonl") {
        const { rows, firstKeys } = await splitJsonLines(await downloadBlob(target, path.path), settings.miniBatchSize, onRange);
        if (rows === 0) return fail(job.id, `The JSON Lines file ${shown} has no lines to score.`);
        const missing = options ? missingColumns(options, firstKeys) : [];
        if (missing.length) return fail(job.id, `${missingColumnsMessage(missing, firstKeys, "first line of the input")} (input ${shown})`);
        files = rows;
      } else {
        const { header, rows, columns } = await splitCsvRows(
          await downloadBlob(target, path.path),
          settings.miniBatchSize,
          onRange,
          dialect,
        );
        if (rows === 0) return fail(job.id, `The CSV ${shown} has a header but no rows to score.`);
        const missing = options ? missingColumns(options, columns) : [];
        if (missing.length) return fail(job.id, `${missingColumnsMessage(missing, columns, "input's header")} (input ${shown})`);
        files = rows;
        await db.job.update({
          where: { id: job.id },
          data: {
            inputs: { ...inputs, data: { ...inputs.data, header, ...(options ? { columns } : {}) } } as unknown as Prisma.InputJsonValue,
          },
        });
      }
    } catch (e) {
      if (e instanceof CsvSplitError || e instanceof JsonlSplitError) return fail(job.id, `${e.message} (input ${shown})`);
      throw e;
    }
  } else if (inputs.data.type === "uri_file") {
    current = [path.path];
    files = 1;
    await closeBatch();
  } else {
    const prefix = path.path && !path.path.endsWith("/") ? `${path.path}/` : path.path;
    // Batchpoint's own files share the default store; a folder input over its root leaves them out.
    const platform = path.kind === "datastore" && path.datastore === DEFAULT_DATASTORE_NAME ? PLATFORM_PREFIX : null;
    for await (const page of listBlobs(target, prefix)) {
      for (const blob of page) {
        if (blob.path.endsWith("/") || (platform && blob.path.startsWith(platform))) continue;
        current.push(blob.path);
        files++;
        if (current.length >= settings.miniBatchSize) await closeBatch();
      }
    }
    await closeBatch();
  }
  await flushRows();

  if (files === 0) return fail(job.id, `No input files were found under ${shown}. Check the path and that the files were uploaded.`);
  if (settings.outputAction === "append_row" && index > MAX_MINI_BATCHES_APPEND_ROW) {
    return fail(
      job.id,
      `The input makes ${index} mini-batches; one output file holds at most ${MAX_MINI_BATCHES_APPEND_ROW}. Raise mini_batch_size to at least ${Math.ceil(files / MAX_MINI_BATCHES_APPEND_ROW)}.`,
    );
  }
  return startRunning(job.id, index, files);
}

async function startRunning(jobId: string, index: number, files: number): Promise<PlanResult> {
  const job = { id: jobId };
  // Conditional: a job failed or canceled meanwhile stays so.
  const moved = await db.job.updateMany({
    where: { id: job.id, status: "preparing" },
    data: { status: "running", miniBatchesTotal: index, filesTotal: files, progressAt: new Date() },
  });
  if (moved.count === 0) {
    const now = await db.job.findUniqueOrThrow({ where: { id: job.id }, select: { status: true, error: true, retryGeneration: true } });
    if (now.status !== "running")
      return { ok: false, error: now.error ?? `The job is ${now.status}.`, announce: false, generation: now.retryGeneration };
  }
  return { ok: true, miniBatches: index, files };
}

async function fail(jobId: string, error: string): Promise<PlanResult> {
  const { failed, generation } = await failJob({ jobId, error });
  return { ok: false, error, announce: failed, generation };
}

function safePath(raw: string): string {
  try {
    return formatDataPath(parseDataPath(raw));
  } catch {
    return raw.replace(/\?.*$/, "");
  }
}
