import { finalizeJob } from "@/lib/jobs/finalize-job";
import { miniBatchEvents } from "@/lib/jobs/job-events";
import { failJob } from "@/lib/jobs/job-failure";
import { inngest } from "@/lib/events/client";
import { eventIds, jobFinalized, jobFinished } from "@/lib/events/jobs";

const SEND_CHUNK = 5_000;

// Commits the merged output, writes errors.jsonl and job-summary.json, sets the final status, and announces it.
// Mini-batches whose output parts were lost are re-queued instead; when the retries run out the job fails with the reason.
export const finalizeJobFunction = inngest.createFunction(
  {
    id: "finalize-job",
    triggers: [jobFinished],
    retries: 5,
    concurrency: [{ key: "event.data.jobId", limit: 1 }],
    onFailure: async ({ event, error, step }) => {
      const { jobId, workspaceId } = event.data.event.data;
      const ended = await step.run("fail-job", () => failJob({ jobId, error: `Finalizing the job failed: ${error.message}` }));
      if (ended.failed)
        await step.sendEvent("announce", {
          name: jobFinalized.name,
          id: eventIds.jobFinalized(jobId, ended.generation),
          data: { jobId, workspaceId, status: "failed" as const },
        });
    },
  },
  async ({ event, step }) => {
    const result = await step.run("finalize", () => finalizeJob({ jobId: event.data.jobId, reason: event.data.reason }));
    if (result.requeued) {
      for (let start = 0; start < result.requeued.length; start += SEND_CHUNK) {
        const indexes = result.requeued.slice(start, start + SEND_CHUNK);
        const events = await step.run(`requeue-events-${start}`, () => miniBatchEvents({ jobId: event.data.jobId, indexes }));
        await step.sendEvent(`requeue-${start}`, events);
      }
      return result;
    }
    if (
      result.finalized &&
      (result.status === "completed" ||
        result.status === "completed_with_errors" ||
        result.status === "failed" ||
        result.status === "canceled")
    ) {
      await step.sendEvent("announce", {
        name: jobFinalized.name,
        id: eventIds.jobFinalized(event.data.jobId, result.generation),
        data: { jobId: event.data.jobId, workspaceId: event.data.workspaceId, status: result.status },
      });
    }
    return result;
  },
);
