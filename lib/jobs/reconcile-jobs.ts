import "server-only";
import { db } from "@/lib/db";
import { eventIds } from "@/inngest/events";

const STALL_MS = 2 * 60_000;

/**
 * Finds running jobs whose mini-batches are all finished but that were never finalized, and returns
 * the events that finish them. Ids are deterministic, so a repeated repair is deduplicated.
 */
export async function reconcileJobs(now = new Date()) {
  const stalled = await db.job.findMany({
    where: { status: "running", startedAt: { lt: new Date(now.getTime() - STALL_MS) } },
    select: { id: true, workspaceId: true, miniBatchesTotal: true, miniBatchesCompleted: true, miniBatchesFailed: true, retryGeneration: true },
    take: 500,
  });
  const events = stalled
    .filter((j) => j.miniBatchesCompleted + j.miniBatchesFailed >= j.miniBatchesTotal)
    .map((j) => ({ name: "batch/job.finished" as const, id: eventIds.jobFinished(j.id, j.retryGeneration, "completed"), data: { jobId: j.id, workspaceId: j.workspaceId, reason: "completed" as const } }));
  return { events };
}
