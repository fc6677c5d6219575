import "server-only";
import { db } from "@/lib/db";
import { eventIds, jobFinished, jobRequested, plain } from "@/lib/events/jobs";
import { laneCount, laneEvents, lanesEnabled, MAX_LANES_PER_JOB } from "./job-events";
import { OPEN_JOB_STATUSES } from "@/shared/job-status";

const STALL_MS = 2 * 60_000;

type RepairEvent =
  | ReturnType<typeof plain<ReturnType<typeof jobRequested.create>>>
  | ReturnType<typeof plain<ReturnType<typeof jobFinished.create>>>
  | ReturnType<typeof laneEvents>[number];

/** Whether any job has not ended: when none has, nothing can stall and the reconciler has nothing to do. */
export async function anyOpenJob(): Promise<boolean> {
  return (await db.job.findFirst({ where: { status: { in: [...OPEN_JOB_STATUSES] } }, select: { id: true } })) !== null;
}

/**
 * Finds jobs that stopped moving in a non-terminal state and returns the events that drive each to
 * its end: `queued` (its start event was never sent) and `preparing` (planning died) are planned
 * again (planning is idempotent), `running` with every mini-batch finished and `finalizing` are
 * finalized again (finalize is re-entrant), and `running` with mini-batches left gets fresh scoring
 * lanes (when lanes score: theirs may all have died; live ones keep their claims). "Stopped moving" is measured from the job's last sign
 * of progress. Ids are deterministic per stall, so a repeated repair is deduplicated.
 */
export async function reconcileJobs(now = new Date(), stallMs = STALL_MS) {
  const before = new Date(now.getTime() - stallMs);
  const stalled = await db.job.findMany({
    where: {
      status: { in: [...OPEN_JOB_STATUSES] },
      OR: [{ progressAt: { lt: before } }, { progressAt: null, createdAt: { lt: before } }],
    },
    select: {
      id: true,
      workspaceId: true,
      deploymentId: true,
      settings: true,
      status: true,
      createdAt: true,
      progressAt: true,
      cancelRequestedAt: true,
      errorDetail: true,
      miniBatchesTotal: true,
      miniBatchesCompleted: true,
      miniBatchesFailed: true,
      retryGeneration: true,
    },
    orderBy: { createdAt: "asc" },
    take: 500,
  });
  const events: RepairEvent[] = [];
  for (const j of stalled) {
    const data = { jobId: j.id, workspaceId: j.workspaceId };
    const since = j.progressAt ?? j.createdAt;
    if (j.status === "queued") events.push(plain(jobRequested.create(data, { id: eventIds.jobRequested(j.id) })));
    else if (j.status === "preparing") events.push(plain(jobRequested.create(data, { id: eventIds.jobRequestedRepair(j.id, since) })));
    else if (j.status === "finalizing" || j.miniBatchesCompleted + j.miniBatchesFailed >= j.miniBatchesTotal) {
      const reason =
        (j.errorDetail as { reason?: string } | null)?.reason === "failed" ? "failed" : j.cancelRequestedAt ? "canceled" : "completed";
      events.push(plain(jobFinished.create({ ...data, reason }, { id: eventIds.jobFinishedRepair(j.id, j.retryGeneration, since) })));
    } else if (j.status === "running" && !j.cancelRequestedAt && lanesEnabled()) {
      const left = j.miniBatchesTotal - j.miniBatchesCompleted - j.miniBatchesFailed;
      const settings = (j.settings ?? {}) as { instanceCount?: number; maxConcurrencyPerInstance?: number };
      // Slots of their own (after the first lanes' 0..31), so a repair lane never takes a live lane's claims as its own.
      const repairs = laneEvents(j, laneCount(settings, left), since).map((e) => ({
        ...e,
        data: { ...e.data, lane: e.data.lane + MAX_LANES_PER_JOB },
        id: eventIds.laneRepair(j.id, j.retryGeneration, e.data.lane + MAX_LANES_PER_JOB, since),
      }));
      events.push(...repairs);
    }
  }
  return { events };
}
