import { NonRetriableError } from "inngest";
import { planAndStartJob, SEND_CHUNK } from "@/lib/jobs/job-commands";
import { miniBatchEvents } from "@/lib/jobs/job-events";
import { failJob } from "@/lib/jobs/job-failure";
import { inngest } from "@/lib/events/client";
import { eventIds, jobCancelRequested, jobFinalized, jobRequested } from "@/lib/events/jobs";

// Splits the input into mini-batches and starts their scoring in the same step (the lanes, or the first
// 5,000 mini-batches' runs), then fans out the rest, if any, in chunks. A planning
// failure fails the job with its reason and announces it (job.failed), whether planJob saw it or the retries ran out.
export const planJobFunction = inngest.createFunction(
  {
    id: "plan-job",
    triggers: [jobRequested],
    retries: 3,
    cancelOn: [{ event: jobCancelRequested.name, match: "data.jobId" }],
    onFailure: async ({ event, error, step }) => {
      const { jobId, workspaceId } = event.data.event.data;
      const ended = await step.run("fail-job", () => failJob({ jobId, error: `Planning the job failed: ${error.message}` }));
      if (ended.failed)
        await step.sendEvent("announce", {
          name: jobFinalized.name,
          id: eventIds.jobFinalized(jobId, ended.generation),
          data: { jobId, workspaceId, status: "failed" as const },
        });
    },
  },
  async ({ event, step }) => {
    if (!event.data?.jobId) throw new NonRetriableError("batch/job.requested needs data.jobId");
    const plan = await step.run("plan-and-start", () => planAndStartJob({ jobId: event.data.jobId }));
    if (!plan.ok) {
      if (plan.announce) {
        await step.sendEvent("announce", {
          name: jobFinalized.name,
          id: eventIds.jobFinalized(event.data.jobId, plan.generation),
          data: { jobId: event.data.jobId, workspaceId: event.data.workspaceId, status: "failed" as const },
        });
      }
      return plan;
    }
    for (let start = plan.started ?? 0; start < plan.miniBatches; start += SEND_CHUNK) {
      const events = await step.run(`events-${start}`, () =>
        miniBatchEvents({ jobId: event.data.jobId, from: start, to: Math.min(plan.miniBatches, start + SEND_CHUNK) }),
      );
      await step.sendEvent(`fan-out-${start}`, events);
    }
    return plan;
  },
);
