import { claimDueJobDefinitions } from "@/lib/job-definitions/run-job-definition";
import { jobDefinitionRunEventId, jobDefinitionRunRequested } from "@/lib/events/job-definitions";
import { inngest } from "@/lib/events/client";

// Every minute: claims the due slot of each scheduled job definition and sends one run event per slot.
export const scheduleJobDefinitionsFunction = inngest.createFunction(
  { id: "schedule-job-definitions", triggers: [{ cron: "* * * * *" }], retries: 3, concurrency: [{ limit: 1 }] },
  async ({ step }) => {
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
