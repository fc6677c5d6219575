import { NonRetriableError } from "inngest";
import { planJob } from "@/lib/jobs/plan-job";
import { miniBatchEvents } from "@/lib/jobs/job-events";
import { inngest } from "../client";
import { jobCancelRequested, jobRequested } from "../events";

const SEND_CHUNK = 5_000; // Inngest's limit of events per send

// Splits the input into mini-batches, then fans out one event per mini-batch in chunks.
export const planJobFunction = inngest.createFunction(
  {
    id: "plan-job",
    triggers: [jobRequested],
    retries: 3,
    cancelOn: [{ event: jobCancelRequested.name, match: "data.jobId" }],
  },
  async ({ event, step }) => {
    if (!event.data?.jobId) throw new NonRetriableError("batch/job.requested needs data.jobId");
    const plan = await step.run("plan", () => planJob({ jobId: event.data.jobId }));
    if (!plan.ok) return plan;
    for (let start = 0; start < plan.miniBatches; start += SEND_CHUNK) {
      const events = await step.run(`events-${start}`, () => miniBatchEvents({ jobId: event.data.jobId, from: start, to: Math.min(plan.miniBatches, start + SEND_CHUNK) }));
      await step.sendEvent(`fan-out-${start}`, events);
    }
    return plan;
  },
);
