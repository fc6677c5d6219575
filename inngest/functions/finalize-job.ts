import { finalizeJob } from "@/lib/jobs/finalize-job";
import { inngest } from "../client";
import { eventIds, jobFinalized, jobFinished } from "../events";

// Commits the merged output, writes errors.jsonl and job-summary.json, sets the final status, and announces it.
export const finalizeJobFunction = inngest.createFunction(
  { id: "finalize-job", triggers: [jobFinished], retries: 5, concurrency: [{ key: "event.data.jobId", limit: 1 }] },
  async ({ event, step }) => {
    const result = await step.run("finalize", () => finalizeJob({ jobId: event.data.jobId, reason: event.data.reason }));
    if (result.finalized && (result.status === "completed" || result.status === "failed" || result.status === "canceled")) {
      await step.sendEvent("announce", {
        name: jobFinalized.name,
        id: eventIds.jobFinalized(event.data.jobId, result.generation),
        data: { jobId: event.data.jobId, workspaceId: event.data.workspaceId, status: result.status },
      });
    }
    return result;
  },
);
