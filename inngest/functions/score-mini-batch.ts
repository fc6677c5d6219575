import { NonRetriableError } from "inngest";
import { scoreMiniBatch } from "@/lib/jobs/score-mini-batch";
import { inngest } from "../client";
import { eventIds, jobCancelRequested, jobFinished, miniBatchRequested } from "../events";

/**
 * One run per mini-batch. Inngest's limits are static per function, so: retries is the highest
 * max_retries a deployment may set (the step itself stops retrying at the job's max_retries), and the
 * concurrency key caps steps per deployment while the scoring pool enforces the deployment's exact
 * instance_count x max_concurrency_per_instance.
 */
export const scoreMiniBatchFunction = inngest.createFunction(
  {
    id: "score-mini-batch",
    triggers: [miniBatchRequested],
    retries: 20,
    concurrency: [{ key: "event.data.deploymentId", limit: 32 }],
    cancelOn: [{ event: jobCancelRequested.name, match: "data.jobId" }],
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
    if (result.thresholdCrossed) {
      await step.sendEvent("stop-job", [
        // Ids carry the retry generation: after "retry failed" the job can cross the threshold again.
        { name: jobCancelRequested.name, id: eventIds.jobCancel(jobId, result.generation), data: { jobId, workspaceId } },
        { name: jobFinished.name, id: eventIds.jobFinished(jobId, result.generation, "threshold"), data: { jobId, workspaceId, reason: "threshold" as const } },
      ]);
    } else if (result.jobDone) {
      await step.sendEvent("job-finished", { name: jobFinished.name, id: eventIds.jobFinished(jobId, result.generation, "completed"), data: { jobId, workspaceId, reason: "completed" as const } });
    }
    return result;
  },
);
