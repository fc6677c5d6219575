import { anyScheduledJobDefinition, claimDueJobDefinitions } from "@/lib/job-definitions/run-job-definition";
import { jobDefinitionRunEventId, jobDefinitionRunRequested } from "@/lib/events/job-definitions";
import { inngest } from "@/lib/events/client";

// Every minute: claims the due slot of each scheduled job definition and sends one run event per slot.
export const scheduleJobDefinitionsFunction = inngest.createFunction(
  { id: "schedule-job-definitions", triggers: [{ cron: "* * * * *" }], retries: 3, concurrency: [{ limit: 1 }] },
  async ({ step }) => {
    // No scheduled definition: done without a step (one SDK call a minute, not two). Claiming a slot does
    // not change this answer, so a replay after the claim takes the same path and sends its events.
    if (!(await anyScheduledJobDefinition())) return { due: 0 };
    const runs = await step.run("claim-due", () => claimDueJobDefinitions());
    if (runs.length) {
      await step.sendEvent(
        "run",
        runs.map((r) => ({ name: jobDefinitionRunRequested.name, id: jobDefinitionRunEventId(r.definitionId, r.scheduledFor), data: r })),
      );
    }
    return { due: runs.length };
  },
);
