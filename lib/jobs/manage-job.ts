import "server-only";
import { recordAuditEvent, type Actor } from "@/lib/audit/record-audit-event";
import { db } from "@/lib/db";
import { AppError, notFound } from "@/lib/errors";

const ACTIVE = ["queued", "preparing", "running"] as const;

/** Records a cancel request; the caller sends the cancel and finished events. Canceling a finished job is refused. */
export async function requestJobCancel(opts: { workspaceId: string; actor: Actor; name: string }) {
  const job = await db.job.findFirst({ where: { workspaceId: opts.workspaceId, name: opts.name } });
  if (!job) throw notFound(`Job '${opts.name}'`);
  if (!(ACTIVE as readonly string[]).includes(job.status)) throw new AppError("CONFLICT", `Job '${job.name}' is already ${job.status}; only queued or running jobs can be canceled.`);
  await db.job.update({ where: { id: job.id }, data: { cancelRequestedAt: job.cancelRequestedAt ?? new Date() } });
  await recordAuditEvent({ workspaceId: opts.workspaceId, actor: opts.actor, action: "job.cancel_requested", targetType: "job", targetId: job.id });
  return job;
}

/**
 * Puts the failed mini-batches of a finished job back to pending and reopens the job; the caller
 * re-sends their events with the new generation. Completed mini-batches and outputs stay.
 */
export async function retryFailedMiniBatches(opts: { workspaceId: string; actor: Actor; name: string }) {
  return db.$transaction(async (tx) => {
    const job = await tx.job.findFirst({ where: { workspaceId: opts.workspaceId, name: opts.name } });
    if (!job) throw notFound(`Job '${opts.name}'`);
    if (job.status !== "completed" && job.status !== "completed_with_errors" && job.status !== "failed") throw new AppError("CONFLICT", `Job '${job.name}' is ${job.status}; retry failed works on finished jobs that are not canceled.`);
    const failed = await tx.miniBatch.findMany({ where: { jobId: job.id, status: { in: ["failed", "canceled"] } }, select: { index: true, failedCount: true } });
    if (!failed.length) throw new AppError("CONFLICT", `Job '${job.name}' has no failed mini-batches to retry.`);
    await tx.miniBatch.updateMany({
      where: { jobId: job.id, index: { in: failed.map((f) => f.index) } },
      data: { status: "pending", attempts: 0, error: null, traceback: null, failedCount: 0, succeededCount: 0, startedAt: null, finishedAt: null },
    });
    const updated = await tx.job.update({
      where: { id: job.id },
      data: {
        status: "running", error: null, finishedAt: null, cancelRequestedAt: null, retryGeneration: { increment: 1 },
        miniBatchesFailed: 0,
        filesFailed: { decrement: failed.reduce((n, f) => n + f.failedCount, 0) },
      },
    });
    await recordAuditEvent({ workspaceId: opts.workspaceId, actor: opts.actor, action: "job.retry_failed", targetType: "job", targetId: job.id, metadata: { miniBatches: failed.length } }, tx);
    return { job: updated, indexes: failed.map((f) => f.index) };
  });
}
