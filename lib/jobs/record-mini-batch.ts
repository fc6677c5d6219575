import "server-only";
import { db } from "@/lib/db";
import { readJobSettings } from "./job-snapshot";
import { isActiveJobStatus } from "@/shared/job-status";

const LOG_LIMIT = 64 * 1024;
const TRACEBACK_LIMIT = 8 * 1024;

function tail(text: string | undefined, limit: number) {
  if (!text) return null;
  return text.length > limit ? `…${text.slice(-limit)}` : text;
}

/**
 * Records the start of an attempt (attempts, first start time). The mini-batch stays pending until a
 * scoring worker takes it (markMiniBatchScoring): with 2 workers and 30 mini-batches in flight, 2 are
 * running and 28 are waiting, and the job page says so. Returns `over` when the job is already over (canceled,
 * failed or finalizing), and `finished` with the job's state when the mini-batch was recorded before
 * (a replay after a crash): its outcome must be reported again, not redone.
 */
export async function startMiniBatch(opts: { jobId: string; index: number; attempt: number }) {
  const mb = await db.miniBatch.findUnique({ where: { jobId_index: { jobId: opts.jobId, index: opts.index } }, include: { job: true } });
  if (!mb || !isActiveJobStatus(mb.job.status) || mb.job.cancelRequestedAt) return { kind: "over" as const };
  if (mb.status === "completed" || mb.status === "failed") {
    const j = mb.job;
    const settings = readJobSettings(j);
    return {
      kind: "finished" as const,
      status: mb.status,
      jobDone: j.miniBatchesCompleted + j.miniBatchesFailed >= j.miniBatchesTotal,
      thresholdCrossed: settings.errorThreshold >= 0 && j.filesFailed > settings.errorThreshold,
      generation: j.retryGeneration,
    };
  }
  if (mb.status === "canceled") return { kind: "over" as const };
  await db.miniBatch.update({
    where: { id: mb.id },
    data: { attempts: opts.attempt + 1, startedAt: mb.startedAt ?? new Date() },
  });
  return { kind: "run" as const, mb };
}

/** A worker took the mini-batch. Conditional, so a late write never undoes a recorded outcome. */
export async function markMiniBatchScoring(id: string) {
  await db.miniBatch.updateMany({ where: { id, status: "pending" }, data: { status: "running" } });
}

export interface MiniBatchOutcome {
  succeeded: number;
  failed: number;
  durationMs: number;
  queuedMs?: number;
  log?: string;
  error?: string;
  traceback?: string;
  /** failed for good (retries exhausted); otherwise completed */
  status: "completed" | "failed";
}

/**
 * Records a mini-batch's final outcome once (a repeated call changes nothing) and adds its counts to
 * the job atomically. Tells the caller whether this was the job's last mini-batch and whether the
 * failed files now exceed the error threshold.
 *
 * One statement rather than a transaction of two updates: this runs once per mini-batch, and on the
 * embedded database every round trip costs the scorers CPU (see BENCHMARKS.md). The job row changes
 * only if this call moved the mini-batch out of pending/running, which makes it idempotent.
 */
export async function finishMiniBatch(opts: { jobId: string; index: number; outcome: MiniBatchOutcome }) {
  const o = opts.outcome;
  const completed = o.status === "completed" ? 1 : 0;
  const [job] = await db.$queryRaw<
    {
      miniBatchesCompleted: number;
      miniBatchesFailed: number;
      miniBatchesTotal: number;
      filesFailed: number;
      retryGeneration: number;
      errorThreshold: number;
    }[]
  >`
    WITH moved AS (
      UPDATE "MiniBatch" SET
        "status" = ${o.status}::"MiniBatchStatus", "succeededCount" = ${o.succeeded}, "failedCount" = ${o.failed},
        "durationMs" = ${Math.round(o.durationMs)}, "queuedMs" = ${o.queuedMs === undefined ? null : Math.round(o.queuedMs)}::int,
        "log" = ${tail(o.log, LOG_LIMIT)}, "error" = ${o.error ?? null}, "traceback" = ${tail(o.traceback, TRACEBACK_LIMIT)},
        "finishedAt" = ${new Date()}
      WHERE "jobId" = ${opts.jobId} AND "index" = ${opts.index} AND "status" IN ('pending', 'running')
      RETURNING 1
    )
    UPDATE "Job" SET
      "miniBatchesCompleted" = "miniBatchesCompleted" + ${completed}, "miniBatchesFailed" = "miniBatchesFailed" + ${1 - completed},
      "filesCompleted" = "filesCompleted" + ${o.succeeded}, "filesFailed" = "filesFailed" + ${o.failed}, "progressAt" = now()
    WHERE "id" = ${opts.jobId} AND EXISTS (SELECT 1 FROM moved)
    RETURNING "miniBatchesCompleted", "miniBatchesFailed", "miniBatchesTotal", "filesFailed", "retryGeneration",
      ("settings"->>'errorThreshold')::int AS "errorThreshold"`;
  if (!job) return { recorded: false, jobDone: false, thresholdCrossed: false, generation: 0 };
  return {
    recorded: true,
    generation: job.retryGeneration,
    jobDone: job.miniBatchesCompleted + job.miniBatchesFailed >= job.miniBatchesTotal,
    thresholdCrossed: job.errorThreshold >= 0 && job.filesFailed > job.errorThreshold,
  };
}

/** Keeps the DataFrame header of the job's output, first writer wins. */
export async function rememberOutputHeader(opts: { jobId: string; header: string }) {
  await db.job.updateMany({ where: { id: opts.jobId, outputHeader: null }, data: { outputHeader: opts.header } });
}

/** Records a mini-batch as failed for good with `error` (all of its inputs failed); a recorded one stays as it is. */
export async function recordMiniBatchFailure(opts: { jobId: string; index: number; error: string }) {
  const mb = await db.miniBatch.findUnique({
    where: { jobId_index: { jobId: opts.jobId, index: opts.index } },
    select: { itemCount: true },
  });
  if (!mb) return { recorded: false, jobDone: false, thresholdCrossed: false, generation: 0 };
  return finishMiniBatch({
    jobId: opts.jobId,
    index: opts.index,
    outcome: { status: "failed", succeeded: 0, failed: mb.itemCount, durationMs: 0, error: opts.error },
  });
}
