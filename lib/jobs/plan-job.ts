import "server-only";
import { db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { formatDataPath, parseDataPath } from "./data-paths";
import { dataInputModule } from "./inputs";
import { type JobInputs, type JobSnapshot, readJobSnapshot } from "./job-snapshot";
import { resolveDataTarget } from "./resolve-data-target";
import { insertMiniBatches, type NewMiniBatch } from "./insert-mini-batches";
import { failJob, permanentStorageError } from "./job-failure";
import { planItems } from "./sources/plan-items";
import { warmJobWorkers } from "./score-mini-batch";
import { getScoringPools } from "@/lib/scoring";

/** Azure allows 50,000 committed blocks per blob; one block per mini-batch plus the header. */
export const MAX_MINI_BATCHES_APPEND_ROW = 49_999;
// Rows per insert: small, so the last statements Prisma keeps for its debug history stay small too (see insertMiniBatches).
const INSERT_CHUNK = 100;

/** `announce`: this call failed the job, so the caller sends its final event (job.failed). */
export type PlanResult =
  | { ok: true; miniBatches: number; files: number }
  | { ok: false; error: string; announce: boolean; generation: number };

/**
 * Splits a job's input into mini-batches by its input module (lib/jobs/inputs): every blob under a
 * folder, `miniBatchSize` files each; or, for tabular and jsonl input, the file's records,
 * `miniBatchSize` rows each, as byte ranges on record boundaries (the file is streamed once; a CSV's
 * header is kept on the job). Rows are written in chunks as they are found, so memory stays flat in
 * the size of the input. Indexes are deterministic, so re-running after a crash writes nothing twice.
 * Returns counts only.
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
  const snapshot = readJobSnapshot(job);
  const { inputs } = snapshot;
  // The deployment's workers start (init()) while the inputs are listed and the mini-batches stored.
  const warming = warmJobWorkers(job, snapshot.settings);
  let result: PlanResult | undefined;
  try {
    result = await planInput(job, snapshot);
    return result;
  } catch (e) {
    // Refused credentials, a missing container, a server that is not Azure Blob: retrying cannot help.
    // The path as people read it: a URL's SAS token stays out of the job's error.
    const shown = inputs.data ? safePath(inputs.data.path) : "sources";
    if (e instanceof AppError) return (result = await fail(job.id, `${e.message} (input ${shown})`));
    const permanent = permanentStorageError(e, shown);
    if (permanent) return (result = await fail(job.id, permanent));
    throw e;
  } finally {
    await warming;
    // A job that failed for good has no use for them: workers started for its own variables (its secrets) stop now.
    if (result && !result.ok) await getScoringPools().closeScope(job.id);
  }
}

async function planInput(job: NonNullable<Awaited<ReturnType<typeof db.job.findUnique>>>, snapshot: JobSnapshot): Promise<PlanResult> {
  const { settings, inputs } = snapshot;
  if (!inputs.data) return startRunning(job.id, await planItems(job, inputs), inputs.sources?.length ?? 1);
  const path = parseDataPath(inputs.data.path);
  const target = await resolveDataTarget({ workspaceId: job.workspaceId, path });

  let index = 0;
  let pending: NewMiniBatch[] = [];
  // `last`: startRunning marks the progress next, so the last chunk skips its own mark.
  const flushRows = async (last = false) => {
    if (!pending.length) return;
    await insertMiniBatches(pending);
    pending = [];
    if (!last) await db.job.update({ where: { id: job.id }, data: { progressAt: new Date() } });
  };
  // The input's module lists or splits it; the mini-batches are numbered here and written in chunks.
  const planned = await dataInputModule(inputs.data.type).plan({
    data: inputs.data,
    settings,
    target,
    path,
    shown: safePath(inputs.data.path),
    add: async (mb) => {
      pending.push({ workspaceId: job.workspaceId, jobId: job.id, index, ...mb });
      index++;
      if (pending.length >= INSERT_CHUNK) await flushRows();
    },
  });
  if ("error" in planned) return fail(job.id, planned.error);
  if (planned.data) {
    const next: JobInputs = { ...inputs, data: planned.data };
    await db.job.update({ where: { id: job.id }, data: { inputs: next } });
  }
  await flushRows(true);

  const files = planned.count;
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
  // Conditional: a job failed or canceled meanwhile stays so. One statement (Prisma's updateMany is
  // three round trips here: BEGIN, UPDATE, COMMIT), on the way to the job's first run().
  const moved = await db.$executeRaw`
    UPDATE "Job" SET "status" = 'running'::"JobStatus", "miniBatchesTotal" = ${index}, "filesTotal" = ${files}, "progressAt" = ${new Date()}
    WHERE "id" = ${job.id} AND "status" = 'preparing'`;
  if (moved === 0) {
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
