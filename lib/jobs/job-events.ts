import "server-only";
import { db } from "@/lib/db";
import { getEnv } from "@/lib/env";
import { eventIds, jobCancelRequested, jobFinished, laneRequested, miniBatchRequested, plain } from "@/lib/events/jobs";

/** At most this many lanes per job: the function's concurrency limit per deployment. */
export const MAX_LANES_PER_JOB = 32;

/** Whether mini-batches are scored by lanes (the default) or by one run each (BATCHPOINT_LANES=off). */
export function lanesEnabled(): boolean {
  return getEnv().BATCHPOINT_LANES === "on";
}

/** The deployment's concurrency (instance_count x max_concurrency_per_instance), at most MAX_LANES_PER_JOB and at most `work`. */
export function laneCount(settings: { instanceCount?: number; maxConcurrencyPerInstance?: number }, work: number): number {
  const slots = Math.max(1, Math.floor(settings.instanceCount ?? 1)) * Math.max(1, Math.floor(settings.maxConcurrencyPerInstance ?? 1));
  return Math.max(1, Math.min(slots, MAX_LANES_PER_JOB, Math.max(1, work)));
}

/**
 * The events that start the scoring of mini-batches [from, to) (or `indexes`) of a job, with ids
 * unique per retry generation. With lanes: the job's lanes (the same ids for every chunk of one
 * generation, so chunked sends start each lane once); otherwise one event per mini-batch.
 */
export async function miniBatchEvents(opts: { jobId: string; from?: number; to?: number; indexes?: number[] }) {
  const job = await db.job.findUniqueOrThrow({
    where: { id: opts.jobId },
    select: { id: true, workspaceId: true, deploymentId: true, retryGeneration: true, settings: true },
  });
  const indexes = opts.indexes ?? Array.from({ length: (opts.to ?? 0) - (opts.from ?? 0) }, (_, i) => (opts.from ?? 0) + i);
  if (lanesEnabled()) {
    if (!indexes.length) return [];
    const settings = (job.settings ?? {}) as { instanceCount?: number; maxConcurrencyPerInstance?: number };
    return laneEvents(job, laneCount(settings, indexes.length));
  }
  return indexes.map((index) =>
    plain(
      miniBatchRequested.create(
        { jobId: job.id, workspaceId: job.workspaceId, deploymentId: job.deploymentId ?? "", index },
        { id: eventIds.miniBatch(job.id, index, job.retryGeneration) },
      ),
    ),
  );
}

/** The first runs of a job's `count` lanes for its current generation; `repairSince`: the reconciler's re-start after a stall. */
export function laneEvents(
  job: { id: string; workspaceId: string; deploymentId: string | null; retryGeneration: number },
  count: number,
  repairSince?: Date,
) {
  return Array.from({ length: count }, (_, lane) =>
    plain(
      laneRequested.create(
        {
          jobId: job.id,
          workspaceId: job.workspaceId,
          // The concurrency key; a job whose deployment was deleted keeps a key of its own.
          deploymentId: job.deploymentId ?? job.id,
          generation: job.retryGeneration,
          lane,
          spawn: 0,
        },
        {
          id: repairSince
            ? eventIds.laneRepair(job.id, job.retryGeneration, lane, repairSince)
            : eventIds.lane(job.id, job.retryGeneration, lane, 0),
        },
      ),
    ),
  );
}

/** What a recorded outcome leads to: the job crossed its threshold or failed as a whole (stop it), or it is done (finish it). */
export type RecordedState = { thresholdCrossed: boolean; jobDone: boolean; generation: number; jobFailed?: boolean };

/** The events that follow a recorded mini-batch: stop the job (threshold, or a job-wide failure), or finish it. */
export function followUpEvents(jobId: string, workspaceId: string, r: RecordedState) {
  if (r.jobFailed || r.thresholdCrossed) {
    const reason = r.jobFailed ? ("failed" as const) : ("threshold" as const);
    // Ids carry the retry generation: after "retry failed" the job can cross the threshold again.
    return [
      plain(jobCancelRequested.create({ jobId, workspaceId }, { id: eventIds.jobCancel(jobId, r.generation) })),
      plain(jobFinished.create({ jobId, workspaceId, reason }, { id: eventIds.jobFinished(jobId, r.generation, reason) })),
    ];
  }
  if (r.jobDone)
    return [
      plain(
        jobFinished.create({ jobId, workspaceId, reason: "completed" }, { id: eventIds.jobFinished(jobId, r.generation, "completed") }),
      ),
    ];
  return [];
}
