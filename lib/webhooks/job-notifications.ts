import "server-only";
import { createHash } from "node:crypto";
import { db, type Prisma } from "@/lib/db";
import { readJobSettings } from "@/lib/jobs/job-snapshot";
import type { JobEventType } from "./webhook-types";
import { type FinalJobStatus, isFinalJobStatus } from "@/shared/job-status";

type FinalStatus = FinalJobStatus;

/** The body of an outbound job event, in the spirit of OpenAI's `batch.*` webhooks. */
export interface JobEventPayload {
  id: string;
  type: JobEventType;
  created_at: number;
  data: {
    job: {
      name: string;
      status: FinalStatus;
      endpoint: string;
      deployment: string;
      counts: {
        mini_batches: { total: number; completed: number; failed: number };
        files: { total: number; succeeded: number; failed: number };
      };
      output: string | null;
      error: string | null;
    };
  };
}

// Whether the job has reached a final status yet (finalize-job sets it after batch/job.finished),
// and whether any outbound webhook of the workspace listens at all (most jobs need no polling).
export async function getJobFinalStatus(opts: { workspaceId: string; jobId: string }) {
  const [job, listeners] = await Promise.all([
    db.job.findFirst({ where: { workspaceId: opts.workspaceId, id: opts.jobId }, select: { status: true } }),
    db.webhook.count({ where: { workspaceId: opts.workspaceId, direction: "outbound", enabled: true } }),
  ]);
  if (!job) return { found: false as const, final: false, listeners };
  return { found: true as const, status: job.status, final: isFinalJobStatus(job.status), listeners };
}

/**
 * Records one pending delivery per enabled outbound webhook of the workspace subscribed to the
 * job's final event, and returns the ids still to send. Deliveries are keyed by (webhook, event id),
 * and the event id by (job, retry generation, status), so repeated calls queue each event once.
 */
export async function queueJobNotifications(opts: { workspaceId: string; jobId: string }): Promise<string[]> {
  const job = await db.job.findFirst({ where: { workspaceId: opts.workspaceId, id: opts.jobId } });
  if (!job || !isFinalJobStatus(job.status)) return [];
  const status = job.status as FinalStatus;
  // A job that completed with failed inputs is announced as job.completed with its own status: receivers that
  // only know completed/failed/canceled keep working, and those that care read data.job.status (docs/webhooks.md).
  const type = (status === "completed_with_errors" ? "job.completed" : `job.${status}`) as JobEventType;
  const webhooks = await db.webhook.findMany({
    where: { workspaceId: opts.workspaceId, direction: "outbound", enabled: true, events: { has: type } },
    select: { id: true },
  });
  if (!webhooks.length) return [];
  const eventId = `evt_${createHash("sha256").update(`${job.id}:g${job.retryGeneration}:${status}`).digest("hex").slice(0, 24)}`;
  const settings = readJobSettings(job);
  const payload: JobEventPayload = {
    id: eventId,
    type,
    created_at: Math.floor((job.finishedAt ?? new Date()).getTime() / 1000),
    data: {
      job: {
        name: job.name,
        status,
        endpoint: job.endpointName,
        deployment: job.deploymentName,
        counts: {
          mini_batches: { total: job.miniBatchesTotal, completed: job.miniBatchesCompleted, failed: job.miniBatchesFailed },
          files: { total: job.filesTotal, succeeded: job.filesCompleted, failed: job.filesFailed },
        },
        output: settings.outputAction === "append_row" ? `${job.outputPath.replace(/\/?$/, "/")}${job.outputFileName}` : null,
        error: job.error,
      },
    },
  };
  await db.webhookDelivery.createMany({
    data: webhooks.map((w) => ({
      workspaceId: opts.workspaceId,
      webhookId: w.id,
      eventId,
      eventType: type,
      status: "pending",
      jobId: job.id,
      payload: payload as unknown as Prisma.InputJsonValue,
    })),
    skipDuplicates: true,
  });
  const pending = await db.webhookDelivery.findMany({
    where: { workspaceId: opts.workspaceId, eventId, webhookId: { in: webhooks.map((w) => w.id) }, status: "pending", attempts: 0 },
    select: { id: true },
  });
  return pending.map((d) => d.id);
}
