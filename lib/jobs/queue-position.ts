import "server-only";
import { db } from "@/lib/db";

const ACTIVE = ["queued", "preparing", "running"] as const;

/**
 * DataRobot's queuePosition: how many jobs on the same deployment, invoked earlier and not finished,
 * this job waits behind (their mini-batches take the deployment's workers first, in order). 0 once
 * one of its own mini-batches has started; null when the job is finished.
 */
export async function queuePositionOf(job: {
  id: string;
  workspaceId: string;
  deploymentId: string | null;
  status: string;
  createdAt: Date;
}): Promise<number | null> {
  if (!(ACTIVE as readonly string[]).includes(job.status)) return null;
  const started = await db.miniBatch.findFirst({
    where: { workspaceId: job.workspaceId, jobId: job.id, startedAt: { not: null } },
    select: { id: true },
  });
  if (started || !job.deploymentId) return 0;
  return db.job.count({
    where: {
      workspaceId: job.workspaceId,
      deploymentId: job.deploymentId,
      status: { in: [...ACTIVE] },
      createdAt: { lt: job.createdAt },
      id: { not: job.id },
    },
  });
}
