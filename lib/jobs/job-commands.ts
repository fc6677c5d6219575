import "server-only";
import type { Actor } from "@/lib/audit/record-audit-event";
import { AppError } from "@/lib/errors";
import { inngest } from "@/lib/events/client";
import { eventIds, jobCancelRequested, jobFinished, jobRequested, plain } from "@/lib/events/jobs";
import { invokeJob, type InvokeJobInput, type JobOrigin } from "./invoke-job";
import { lanesEnabled, miniBatchEvents } from "./job-events";
import { requestJobCancel, retryFailedMiniBatches, type RetryVersion } from "./manage-job";
import { type PlanResult, planJob } from "./plan-job";

/** Inngest's limit of events per send. */
export const SEND_CHUNK = 5_000;

/** A plan, and how many of its mini-batches (from index 0) the call already started; the caller sends the rest. */
export type PlanAndStartResult = PlanResult & { started?: number };

/**
 * Plans a job and starts its scoring in the same call (one durable step, so the first mini-batch is
 * scored without another executor → SDK round trip): with lanes, every lane; otherwise the first
 * 5,000 mini-batches. The events' ids are deterministic, so a retried step, or a repeat after a crash,
 * sends them again harmlessly (24 h dedupe), as step.sendEvent would.
 */
export async function planAndStartJob(opts: { jobId: string }): Promise<PlanAndStartResult> {
  const plan = await planJob(opts);
  if (!plan.ok || plan.miniBatches === 0) return plan;
  const lanes = lanesEnabled();
  const started = lanes ? plan.miniBatches : Math.min(plan.miniBatches, SEND_CHUNK);
  await inngest.send(await miniBatchEvents({ jobId: opts.jobId, from: 0, to: Math.min(plan.miniBatches, SEND_CHUNK) }));
  return { ...plan, started };
}

// Stores a job and starts it. An idempotent repeat returns the same job without starting it again.
export async function startJob(opts: {
  workspaceId: string;
  actor: Actor;
  endpointName: string;
  input: InvokeJobInput;
  via?: string;
  origin?: JobOrigin;
  checkInput?: boolean;
}) {
  const { job, created } = await invokeJob(opts);
  await inngest.send(plain(jobRequested.create({ jobId: job.id, workspaceId: job.workspaceId }, { id: eventIds.jobRequested(job.id) })));
  return { job, created };
}

// Cancels a running job: in-flight mini-batches stop, finished ones keep their output.
export async function cancelJob(opts: { workspaceId: string; actor: Actor; name: string }) {
  const job = await requestJobCancel(opts);
  await inngest.send([
    plain(
      jobCancelRequested.create({ jobId: job.id, workspaceId: job.workspaceId }, { id: eventIds.jobCancel(job.id, job.retryGeneration) }),
    ),
    plain(
      jobFinished.create(
        { jobId: job.id, workspaceId: job.workspaceId, reason: "canceled" },
        { id: eventIds.jobFinished(job.id, job.retryGeneration, "canceled") },
      ),
    ),
  ]);
  return job;
}

/**
 * Cancels several jobs at once (the jobs table's bulk cancel): each one as cancelJob does, and says
 * which were canceled and why the others were not (already finished, not found), changing nothing for those.
 */
export async function cancelJobs(opts: { workspaceId: string; actor: Actor; names: string[] }) {
  const canceled: string[] = [];
  const skipped: { name: string; reason: string }[] = [];
  for (const name of [...new Set(opts.names)]) {
    try {
      await cancelJob({ workspaceId: opts.workspaceId, actor: opts.actor, name });
      canceled.push(name);
    } catch (e) {
      if (!(e instanceof AppError)) throw e;
      skipped.push({ name, reason: e.message });
    }
  }
  return { canceled, skipped };
}

// Re-runs only the failed mini-batches of a finished job, with the job's deployment version or the current one.
export async function retryFailed(opts: { workspaceId: string; actor: Actor; name: string; deploymentVersion?: RetryVersion }) {
  const { job, indexes } = await retryFailedMiniBatches(opts);
  for (let i = 0; i < indexes.length; i += SEND_CHUNK) {
    await inngest.send(await miniBatchEvents({ jobId: job.id, indexes: indexes.slice(i, i + SEND_CHUNK) }));
  }
  return { job, miniBatches: indexes.length };
}
