import { NonRetriableError } from "inngest";
import { recordMiniBatchFailure } from "@/lib/jobs/record-mini-batch";
import { scoreMiniBatch } from "@/lib/jobs/score-mini-batch";
import { inngest } from "@/lib/events/client";
import { jobCancelRequested, jobFinished, miniBatchRequested } from "@/lib/events/jobs";
import { followUpEvents } from "@/lib/jobs/job-events";

/**
 * One run per mini-batch, with BATCHPOINT_LANES=off (by default lanes score them: score-lane.ts).
 * Inngest's limits are static per function, so: retries is the highest max_retries a deployment may set (the step itself stops retrying at the job's max_retries), and the
 * concurrency key caps steps per deployment while the scoring pool enforces the deployment's exact
 * instance_count x max_concurrency_per_instance. When even recording fails every retry, onFailure
 * records the mini-batch as failed so the job's counters still reach the end.
 */
export const scoreMiniBatchFunction = inngest.createFunction(
  {
    id: "score-mini-batch",
    triggers: [miniBatchRequested],
    retries: 20,
    concurrency: [{ key: "event.data.deploymentId", limit: 32 }],
    cancelOn: [{ event: jobCancelRequested.name, match: "data.jobId" }],
    onFailure: async ({ event, error, step }) => {
      const { jobId, workspaceId, index } = event.data.event.data;
      const r = await step.run("record-failure", () =>
        recordMiniBatchFailure({ jobId, index, error: `The mini-batch could not be scored or recorded: ${error.message}` }),
      );
      const events = r.recorded ? followUpEvents(jobId, workspaceId, r) : [];
      if (events.length) await step.sendEvent("follow-up", events);
    },
  },
  async ({ event, step, attempt }) => {
    const { jobId, workspaceId, index } = event.data;
    if (!jobId) throw new NonRetriableError("batch/minibatch.requested needs data.jobId");
    const result = await step.run("score", async () => {
      const r = await scoreMiniBatch({ jobId, index, attempt });
      // Thrown, so Inngest retries the step with backoff; the last attempt records the failure instead.
      if (r.outcome === "retry") throw new Error(r.error);
      return r;
    });
    if (result.outcome !== "done") return result;
    const events = followUpEvents(jobId, workspaceId, result);
    if (events.length) await step.sendEvent(events[0].name === jobFinished.name ? "job-finished" : "stop-job", events);
    return result;
  },
);
