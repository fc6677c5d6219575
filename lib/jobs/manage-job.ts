import "server-only";
import { z } from "zod";
import { recordAuditEvent, type Actor } from "@/lib/audit/record-audit-event";
import { db } from "@/lib/db";
import { Prisma } from "@/lib/generated/prisma/client";
import { AppError, fieldError, notFound } from "@/lib/errors";
import { deploymentSnapshot } from "./invoke-job";
import { type JobSettings, readJobSettings } from "./job-snapshot";
import { presentRetryRound } from "./retry-rounds";
import { isActiveJobStatus, isRetryableJobStatus } from "@/shared/job-status";

/** Records a cancel request; the caller sends the cancel and finished events. Canceling a finished job is refused. */
export async function requestJobCancel(opts: { workspaceId: string; actor: Actor; name: string }) {
  const job = await db.job.findFirst({ where: { workspaceId: opts.workspaceId, name: opts.name } });
  if (!job) throw notFound(`Job '${opts.name}'`);
  if (!isActiveJobStatus(job.status))
    throw new AppError("CONFLICT", `Job '${job.name}' is already ${job.status}; only queued or running jobs can be canceled.`);
  await db.job.update({ where: { id: job.id }, data: { cancelRequestedAt: job.cancelRequestedAt ?? new Date() } });
  await recordAuditEvent({
    workspaceId: opts.workspaceId,
    actor: opts.actor,
    action: "job.cancel_requested",
    targetType: "job",
    targetId: job.id,
  });
  return job;
}

export const RETRY_VERSIONS = ["job", "current"] as const;
export type RetryVersion = (typeof RETRY_VERSIONS)[number];

/** The body of POST /api/v1/jobs/{job}/retry-failed: unknown fields are refused, naming them. */
export const retryFailedSchema = z.strictObject(
  {
    deploymentVersion: z
      .enum(RETRY_VERSIONS, { error: 'Use "job" (the version the job ran) or "current" (the deployment\'s version now).' })
      .optional(),
  },
  {
    error: (issue) =>
      issue.code === "unrecognized_keys"
        ? `Unknown field${issue.keys.length === 1 ? "" : "s"} ${issue.keys.map((k) => `'${k}'`).join(", ")}; the body takes only deploymentVersion.`
        : undefined,
  },
);

/**
 * Puts the failed mini-batches of a finished job back to pending and reopens the job; the caller
 * re-sends their events with the new generation. Completed mini-batches and outputs stay.
 * `deploymentVersion`: "job" re-runs the version the job ran (the default), "current" the
 * deployment's version now (e.g. after a fix); each call is recorded as a retry round.
 */
export async function retryFailedMiniBatches(opts: { workspaceId: string; actor: Actor; name: string; deploymentVersion?: RetryVersion }) {
  const choice = opts.deploymentVersion ?? "job";
  return db.$transaction(async (tx) => {
    const job = await tx.job.findFirst({ where: { workspaceId: opts.workspaceId, name: opts.name } });
    if (!job) throw notFound(`Job '${opts.name}'`);
    if (!isRetryableJobStatus(job.status))
      throw new AppError("CONFLICT", `Job '${job.name}' is ${job.status}; retry failed works on finished jobs that are not canceled.`);
    const failed = await tx.miniBatch.findMany({
      where: { jobId: job.id, status: { in: ["failed", "canceled"] } },
      select: { index: true, failedCount: true, itemCount: true },
    });
    if (!failed.length) throw new AppError("CONFLICT", `Job '${job.name}' has no failed mini-batches to retry.`);
    let settings: JobSettings = readJobSettings(job);
    let version = job.deploymentVersion;
    if (choice === "current") {
      const deployment = await tx.deployment.findFirst({
        where: { workspaceId: opts.workspaceId, id: job.deploymentId ?? "" },
        include: { modelVersion: true },
      });
      if (!deployment)
        throw fieldError(
          "deploymentVersion",
          `The deployment ${job.deploymentName} of job '${job.name}' no longer exists; retry with "job" to re-run the version the job ran.`,
          "CONFLICT",
        );
      settings = { ...settings, deployment: deploymentSnapshot(deployment) };
      version = deployment.version;
    }
    await tx.miniBatch.updateMany({
      where: { jobId: job.id, index: { in: failed.map((f) => f.index) } },
      data: {
        status: "pending",
        attempts: 0,
        error: null,
        traceback: null,
        failedCount: 0,
        succeededCount: 0,
        startedAt: null,
        finishedAt: null,
      },
    });
    const updated = await tx.job.update({
      where: { id: job.id },
      data: {
        status: "running",
        error: null,
        errorDetail: Prisma.DbNull,
        finishedAt: null,
        cancelRequestedAt: null,
        retryGeneration: { increment: 1 },
        progressAt: new Date(),
        miniBatchesFailed: 0,
        filesFailed: { decrement: failed.reduce((n, f) => n + f.failedCount, 0) },
        deploymentVersion: version,
        settings,
      },
    });
    const last = await tx.jobRetryRound.findFirst({ where: { jobId: job.id }, orderBy: { round: "desc" }, select: { round: true } });
    await tx.jobRetryRound.create({
      data: {
        workspaceId: opts.workspaceId,
        jobId: job.id,
        round: (last?.round ?? 0) + 1,
        deploymentVersion: version,
        versionChoice: choice,
        miniBatches: failed.length,
        inputs: failed.reduce((n, f) => n + f.itemCount, 0),
        completedBefore: updated.filesCompleted,
      },
    });
    await recordAuditEvent(
      {
        workspaceId: opts.workspaceId,
        actor: opts.actor,
        action: "job.retry_failed",
        targetType: "job",
        targetId: job.id,
        metadata: { miniBatches: failed.length, deploymentVersion: version },
      },
      tx,
    );
    return { job: updated, indexes: failed.map((f) => f.index) };
  });
}

/** A job's retry rounds, oldest first, as the API shows them. */
export async function findRetryRounds(opts: { workspaceId: string; jobId: string }) {
  const rounds = await db.jobRetryRound.findMany({
    where: { workspaceId: opts.workspaceId, jobId: opts.jobId },
    orderBy: { round: "asc" },
  });
  return rounds.map(presentRetryRound);
}
