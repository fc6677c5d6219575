import "server-only";
import { getScoringPools } from "@/lib/scoring";
import { db } from "@/lib/db";
import { createHash } from "node:crypto";
import { presentJobSettings } from "@/lib/deployments/present-settings";
import { commitBlocks, listBlocks, stageBlock, uploadBlob } from "@/lib/storage";
import { maskDataPath, parseDataPath } from "./data-paths";
import { readJobSnapshot } from "./job-snapshot";
import { inputUnit, rowsOf } from "./mini-batch-inputs";
import { resolveDataTarget } from "./resolve-data-target";
import { OPEN_JOB_STATUSES } from "@/shared/job-status";
import { encodedHeader, rowInputOf, stageFailedRowBlocks } from "./tabular/mini-batch-rows";
import { rememberOutputHeader } from "./record-mini-batch";

const PAGE = 5_000;

/** The job's own prefix of its output parts' ids, so two jobs writing one blob never share a part. */
export function blockScope(jobId: string): string {
  return createHash("sha256").update(jobId).digest("hex").slice(0, 8);
}

export type FinalizeReason = "completed" | "threshold" | "canceled" | "failed";
/** `requeued`: parts of completed mini-batches were missing from storage; they are pending again (new generation): send their events. */
export type FinalizeResult = { status: string; finalized: boolean; generation: number; requeued: number[] | null };

export function outputPrefix(outputPath: string) {
  const p = parseDataPath(outputPath).path;
  return p && !p.endsWith("/") ? `${p}/` : p;
}

/**
 * Ends a job: checks that every completed mini-batch's output part is in storage (re-queuing the
 * ones whose parts were lost, e.g. by a storage crash, instead of committing a hole), commits the
 * parts in mini-batch order (append_row: one file, the header once; summary_only: no file), writes
 * errors.jsonl and job-summary.json, and sets the final status. Re-entrant: a run that crashed
 * half-way (job left `finalizing`) is simply run again; every write is idempotent.
 */
export async function finalizeJob(opts: { jobId: string; reason?: FinalizeReason }): Promise<FinalizeResult> {
  // Claim the job: of concurrent finalizers (threshold, cancel, last mini-batch) one proceeds, and the
  // function's concurrency of one per job serializes them. `finalizing` is claimable again.
  const claimed = await db.job.updateMany({
    where: { id: opts.jobId, status: { in: [...OPEN_JOB_STATUSES] } },
    data: { status: "finalizing", progressAt: new Date() },
  });
  const job = await db.job.findUnique({ where: { id: opts.jobId } });
  if (!job) return { status: "missing", finalized: false, generation: 0, requeued: null };
  if (claimed.count === 0) return { status: job.status, finalized: false, generation: job.retryGeneration, requeued: null };
  const { settings, inputs } = readJobSnapshot(job);
  const tabular = inputUnit(job) === "row";
  const out = parseDataPath(job.outputPath);
  const target = await resolveDataTarget({ workspaceId: job.workspaceId, path: out });
  const prefix = outputPrefix(job.outputPath);
  const outputBlob = prefix + job.outputFileName;
  const scope = blockScope(job.id);
  const started = Date.now();
  const stopping = opts.reason === "canceled" || opts.reason === "threshold" || opts.reason === "failed" || !!job.cancelRequestedAt;

  // A stopping job stops what has not been recorded first: a mini-batch finishing while finalize reads
  // the completed ones can then no longer be recorded as completed without its part in the output.
  if (stopping) await cancelUnrecorded(job.id);

  const withOutput: number[] = [];
  if (settings.outputAction === "append_row") {
    for (let cursor = -1; ; ) {
      const rows = await db.miniBatch.findMany({
        where: { jobId: job.id, index: { gt: cursor }, status: "completed", succeededCount: { gt: 0 } },
        orderBy: { index: "asc" },
        take: PAGE,
        select: { index: true },
      });
      if (!rows.length) break;
      for (const r of rows) withOutput.push(r.index);
      cursor = rows[rows.length - 1].index;
    }
    const blocks = await listBlocks(target, outputBlob, scope);
    const present = new Set([...blocks.committed, ...blocks.uncommitted]);
    // A job without data input counts its one run() as done whatever it returned: no rows means no part.
    if (!inputs.data && !inputs.sources) withOutput.splice(0, withOutput.length, ...withOutput.filter((i) => present.has(i)));
    const missing = withOutput.filter((i) => !present.has(i));
    if (missing.length && !stopping) return requeueMissing(job.id, missing, await unfinished(job.id));
    if (missing.length) {
      // A stopping job keeps what it has: lost parts of a canceled or failed job are not redone.
      const lost = new Set(missing);
      withOutput.splice(0, withOutput.length, ...withOutput.filter((i) => !lost.has(i)));
    }
  }

  // A job finalized as complete while mini-batches never ran (a lost event, a repair of a stuck job): run them, do not drop them.
  if (!stopping) {
    const open = await unfinished(job.id);
    if (open.length) return requeueMissing(job.id, [], open);
  }

  // Stop whatever has not run: it stays visible as canceled.
  await cancelUnrecorded(job.id);

  const errors: string[] = [];
  for (let cursor = -1; ; ) {
    const rows = await db.miniBatch.findMany({
      where: { jobId: job.id, index: { gt: cursor }, OR: [{ status: "failed" }, { failedCount: { gt: 0 } }] },
      orderBy: { index: "asc" },
      take: PAGE,
      select: {
        index: true,
        status: true,
        items: true,
        itemCount: true,
        succeededCount: true,
        failedCount: true,
        attempts: true,
        error: true,
        traceback: true,
      },
    });
    if (!rows.length) break;
    for (const r of rows) {
      errors.push(
        JSON.stringify(
          tabular
            ? {
                mini_batch: r.index,
                attempt: r.attempts,
                file: inputs.data ? maskDataPath(inputs.data.path) : undefined,
                rows: rowsOf(job, r),
                failed_rows: r.failedCount,
                error: r.error,
                traceback: r.traceback,
              }
            : {
                mini_batch: r.index,
                attempt: r.attempts,
                files: r.items,
                failed_files: r.failedCount,
                error: r.error,
                traceback: r.traceback,
              },
        ),
      );
    }
    cursor = rows[rows.length - 1].index;
  }

  if (settings.outputAction === "append_row") {
    const blocks: (number | "header")[] = [];
    const rowInput = rowInputOf(inputs);
    // includePredictionStatus: failed mini-batches' rows go into the output too, with their error as status.
    const failedRows = rowInput
      ? await stageFailedRowBlocks({ job, data: rowInput, target, outputBlob, scope })
      : { indexes: [], header: null };
    const header = job.outputHeader ?? failedRows.header;
    // Kept on the job, as a scored mini-batch's header is: the preview reads whether the file has one.
    if (header && !job.outputHeader) await rememberOutputHeader({ jobId: job.id, header });
    if (header) {
      await stageBlock(target, outputBlob, "header", encodedHeader(rowInput, header), scope);
      blocks.push("header");
    }
    const parts = [...new Set([...withOutput, ...failedRows.indexes])].sort((a, b) => a - b);
    await commitBlocks(target, outputBlob, [...blocks, ...parts], { scope });
  }
  await uploadBlob(target, `${prefix}errors.jsonl`, errors.length ? `${errors.join("\n")}\n` : "", { contentType: "application/x-ndjson" });

  const fresh = await db.job.findUniqueOrThrow({ where: { id: job.id } });
  const thresholdCrossed = settings.errorThreshold >= 0 && fresh.filesFailed > settings.errorThreshold;
  const failedOutright = opts.reason === "failed" || (fresh.errorDetail as { reason?: string } | null)?.reason === "failed";
  const canceled = !failedOutright && (opts.reason === "canceled" || (!!fresh.cancelRequestedAt && !thresholdCrossed));
  const status = canceled
    ? "canceled"
    : failedOutright || thresholdCrossed
      ? "failed"
      : fresh.filesFailed > 0
        ? "completed_with_errors"
        : "completed";
  const unit = tabular ? "input row" : "input file";
  const error = failedOutright
    ? (fresh.error ?? "The job failed.")
    : thresholdCrossed
      ? `${fresh.filesFailed} ${unit}${fresh.filesFailed === 1 ? "" : "s"} failed, more than the error threshold of ${settings.errorThreshold}. See errors.jsonl for the ${tabular ? "rows" : "files"} and tracebacks.`
      : canceled
        ? "The job was canceled; the output holds the mini-batches that finished before."
        : status === "completed_with_errors"
          ? `${fresh.filesFailed} of ${fresh.filesTotal} ${unit}s failed (within the error threshold). See errors.jsonl for the ${tabular ? "rows" : "files"} and tracebacks.`
          : null;
  const finishedAt = new Date();
  const summary = {
    job: fresh.name,
    endpoint: fresh.endpointName,
    deployment: fresh.deploymentName,
    status,
    error,
    mini_batches: { total: fresh.miniBatchesTotal, completed: fresh.miniBatchesCompleted, failed: fresh.miniBatchesFailed },
    [tabular ? "rows" : "files"]: { total: fresh.filesTotal, succeeded: fresh.filesCompleted, failed: fresh.filesFailed },
    output: settings.outputAction === "append_row" ? maskDataPath(`${job.outputPath.replace(/\/?$/, "/")}${job.outputFileName}`) : null,
    settings: presentJobSettings(settings),
    started_at: fresh.startedAt,
    finished_at: finishedAt,
    finalize_ms: Date.now() - started,
  };
  await uploadBlob(target, `${prefix}job-summary.json`, JSON.stringify(summary, null, 2), { contentType: "application/json" });
  const done = await db.job.updateMany({
    where: { id: job.id, status: "finalizing" },
    data: { status, error, finishedAt, progressAt: finishedAt },
  });
  if (done.count === 0) {
    const now = await db.job.findUniqueOrThrow({ where: { id: job.id }, select: { status: true, retryGeneration: true } });
    return { status: now.status, finalized: false, generation: now.retryGeneration, requeued: null };
  }
  const round = await db.jobRetryRound.findFirst({ where: { jobId: job.id, finishedAt: null }, orderBy: { round: "desc" } });
  if (round) {
    await db.jobRetryRound.update({
      where: { id: round.id },
      data: { finishedAt, status, succeeded: Math.max(0, fresh.filesCompleted - round.completedBefore), failed: fresh.filesFailed },
    });
  }
  // Workers kept for this job's own variables (its secrets) stop with it.
  void getScoringPools().closeScope(job.id);
  return { status, finalized: true, generation: fresh.retryGeneration, requeued: null };
}

/**
 * Puts completed mini-batches whose output parts are gone back to pending, takes their counts off
 * the job, and reopens it under a new generation (fresh event ids), with the `pending` ones that
 * never ran; the caller re-sends the events of all of them.
 */
async function requeueMissing(jobId: string, indexes: number[], pending: number[]): Promise<FinalizeResult> {
  return db.$transaction(async (tx) => {
    // The counts taken off are those of the rows this statement moved (their values before the
    // update), so a concurrent repeat (a re-delivered finalize) takes nothing off twice.
    const moved = indexes.length
      ? await tx.$queryRaw<{ index: number; succeeded: number; failed: number }[]>`
          UPDATE "MiniBatch" AS m SET "status" = 'pending'::"MiniBatchStatus", "attempts" = 0, "succeededCount" = 0, "failedCount" = 0,
            "error" = NULL, "traceback" = NULL, "startedAt" = NULL, "finishedAt" = NULL
          FROM (SELECT "id", "succeededCount", "failedCount" FROM "MiniBatch"
                WHERE "jobId" = ${jobId} AND "status" = 'completed' AND "index" = ANY(${indexes}::int[]) FOR UPDATE) AS old
          WHERE m."id" = old."id" AND m."status" = 'completed'
          RETURNING m."index", old."succeededCount" AS "succeeded", old."failedCount" AS "failed"`
      : [];
    const job = await tx.job.update({
      where: { id: jobId },
      data: {
        status: "running",
        progressAt: new Date(),
        retryGeneration: { increment: 1 },
        miniBatchesCompleted: { decrement: moved.length },
        filesCompleted: { decrement: moved.reduce((n, r) => n + Number(r.succeeded), 0) },
        filesFailed: { decrement: moved.reduce((n, r) => n + Number(r.failed), 0) },
      },
    });
    // For the operator: storage lost acknowledged parts (Azurite saves its metadata every few seconds).
    if (moved.length)
      console.warn(
        `job ${job.name}: the outputs of ${moved.length} completed mini-batch(es) were missing from storage at finalize; re-running them (indexes ${moved.map((r) => r.index).join(", ")})`,
      );
    return {
      status: "running" as const,
      finalized: false as const,
      generation: job.retryGeneration,
      requeued: [...moved.map((r) => Number(r.index)), ...pending].sort((x, y) => x - y),
    };
  });
}

/** Marks the job's unrecorded (pending or running) mini-batches canceled; a late outcome is then not recorded. */
async function cancelUnrecorded(jobId: string) {
  await db.miniBatch.updateMany({
    where: { jobId, status: { in: ["pending", "running"] } },
    data: { status: "canceled", finishedAt: new Date() },
  });
}

/** Mini-batches not yet recorded (pending or running), by index. */
async function unfinished(jobId: string): Promise<number[]> {
  const rows = await db.miniBatch.findMany({
    where: { jobId, status: { in: ["pending", "running"] } },
    select: { index: true },
    orderBy: { index: "asc" },
  });
  return rows.map((r) => r.index);
}
