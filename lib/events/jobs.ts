import { eventType } from "inngest";
import { z } from "zod";
import { FINAL_JOB_STATUSES } from "@/shared/job-status";

// Event names are a public contract (other systems may listen): see docs/decisions/0004-job-events.md.

export const jobRequested = eventType("batch/job.requested", {
  schema: z.object({ jobId: z.string().min(1), workspaceId: z.string().min(1) }),
});

export const miniBatchRequested = eventType("batch/minibatch.requested", {
  schema: z.object({
    jobId: z.string().min(1),
    workspaceId: z.string().min(1),
    deploymentId: z.string().min(1),
    index: z.number().int().min(0),
  }),
});

/**
 * One scoring lane of a job (docs/decisions/0023): a long-lived run that claims and scores the
 * job's pending mini-batches. `lane` is its slot (0..lanes-1), `generation` the job's retry
 * generation it works for, `spawn` how many runs of this lane came before (a lane re-spawns itself
 * before Inngest's step limit). `msPerMiniBatch` carries the lane's measured pace to its successor.
 */
export const laneRequested = eventType("batch/lane.requested", {
  schema: z.object({
    jobId: z.string().min(1),
    workspaceId: z.string().min(1),
    deploymentId: z.string().min(1),
    generation: z.number().int().min(0),
    lane: z.number().int().min(0),
    spawn: z.number().int().min(0),
    msPerMiniBatch: z.number().min(0).optional(),
  }),
});

export const jobFinished = eventType("batch/job.finished", {
  schema: z.object({
    jobId: z.string().min(1),
    workspaceId: z.string().min(1),
    reason: z.enum(["completed", "threshold", "canceled", "failed"]),
  }),
});

/** Sent once by whatever ended a job (finalize-job, a planning failure, an onFailure handler), with its final status. */
export const jobFinalized = eventType("batch/job.finalized", {
  schema: z.object({
    jobId: z.string().min(1),
    workspaceId: z.string().min(1),
    status: z.enum(FINAL_JOB_STATUSES),
  }),
});

export const jobCancelRequested = eventType("batch/job.cancel-requested", {
  schema: z.object({ jobId: z.string().min(1), workspaceId: z.string().min(1) }),
});

/** Deterministic event ids: a repeated send within 24 h starts nothing twice. */
export const eventIds = {
  jobRequested: (jobId: string) => `job-requested:${jobId}`,
  miniBatch: (jobId: string, index: number, generation: number) => `${jobId}:${index}:g${generation}`,
  jobFinished: (jobId: string, generation: number, reason: string) => `job-finished:${jobId}:g${generation}:${reason}`,
  lane: (jobId: string, generation: number, lane: number, spawn: number) => `lane:${jobId}:g${generation}:l${lane}:s${spawn}`,
  /** The reconciler's re-start of a stalled job's lanes: once per stall. */
  laneRepair: (jobId: string, generation: number, lane: number, progressAt: Date) =>
    `lane:${jobId}:g${generation}:l${lane}:repair:${progressAt.getTime()}`,
  jobCancel: (jobId: string, generation: number) => `job-cancel:${jobId}:g${generation}`,
  jobFinalized: (jobId: string, generation: number) => `job-finalized:${jobId}:g${generation}`,
  /** The reconciler's re-sends: keyed by the job's last sign of progress, so one stall is repaired once. */
  jobRequestedRepair: (jobId: string, progressAt: Date) => `job-requested:${jobId}:repair:${progressAt.getTime()}`,
  jobFinishedRepair: (jobId: string, generation: number, progressAt: Date) =>
    `job-finished:${jobId}:g${generation}:repair:${progressAt.getTime()}`,
};

/** One outbound webhook delivery to attempt (sent by notify-job-finished); id `webhook-delivery:<deliveryId>`. */
export const webhookDeliveryRequested = eventType("batch/webhook.delivery-requested", {
  schema: z.object({ deliveryId: z.string().min(1), workspaceId: z.string().min(1) }),
});
export const webhookDeliveryEventId = (deliveryId: string) => `webhook-delivery:${deliveryId}`;

/**
 * An event made by its typed definition (`jobRequested.create(data, { id })`: the name and the data's
 * shape are checked by the compiler), as a plain object to send or to return from a step.
 */
export function plain<E extends { validate: unknown }>(event: E): Omit<E, "validate"> {
  const { validate: _validate, ...rest } = event;
  return rest;
}
