import "server-only";
import { db } from "@/lib/db";
import { eventIds, miniBatchRequested, plain } from "@/lib/events/jobs";

/** The mini-batch events for indexes [from, to) of a job, with ids unique per retry generation. */
export async function miniBatchEvents(opts: { jobId: string; from?: number; to?: number; indexes?: number[] }) {
  const job = await db.job.findUniqueOrThrow({
    where: { id: opts.jobId },
    select: { id: true, workspaceId: true, deploymentId: true, retryGeneration: true },
  });
  const indexes = opts.indexes ?? Array.from({ length: (opts.to ?? 0) - (opts.from ?? 0) }, (_, i) => (opts.from ?? 0) + i);
  return indexes.map((index) =>
    plain(
      miniBatchRequested.create(
        { jobId: job.id, workspaceId: job.workspaceId, deploymentId: job.deploymentId ?? "", index },
        { id: eventIds.miniBatch(job.id, index, job.retryGeneration) },
      ),
    ),
  );
}
