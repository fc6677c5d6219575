import { reconcileJobs } from "@/lib/jobs/reconcile-jobs";
import { inngest } from "@/lib/events/client";

// Repairs jobs whose counters stalled (a lost event, a crash between steps): finishes or re-sends.
export const reconcileJobsFunction = inngest.createFunction(
  { id: "reconcile-jobs", triggers: [{ cron: "* * * * *" }], retries: 1, concurrency: [{ limit: 1 }] },
  async ({ step }) => {
    const actions = await step.run("find-stalled", () => reconcileJobs());
    if (actions.events.length) await step.sendEvent("repair", actions.events);
    return { repaired: actions.events.length };
  },
);
