import { anyOpenJob, reconcileJobs } from "@/lib/jobs/reconcile-jobs";
import { inngest } from "@/lib/events/client";

// Repairs jobs whose counters stalled (a lost event, a crash between steps): finishes or re-sends.
export const reconcileJobsFunction = inngest.createFunction(
  { id: "reconcile-jobs", triggers: [{ cron: "* * * * *" }], retries: 1, concurrency: [{ limit: 1 }] },
  async ({ step }) => {
    // No open job (an idle server): done without a step, so this minute's run is one SDK call, not two.
    // A replay that finds no open job any more has nothing left to repair.
    if (!(await anyOpenJob())) return { repaired: 0 };
    const actions = await step.run("find-stalled", () => reconcileJobs());
    // Inngest takes at most 5,000 events per send.
    for (let start = 0; start < actions.events.length; start += 5_000)
      await step.sendEvent(start ? `repair-${start}` : "repair", actions.events.slice(start, start + 5_000));
    return { repaired: actions.events.length };
  },
);
