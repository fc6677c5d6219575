import { runScheduledJobDefinition } from "@/lib/job-definitions/run-job-definition";
import { jobDefinitionRunRequested } from "@/lib/events/job-definitions";
import { inngest } from "@/lib/events/client";

// Starts the job of one scheduled time of a definition (or skips it, by the definition's overlap policy).
export const runJobDefinitionFunction = inngest.createFunction(
  {
    id: "run-job-definition",
    triggers: [jobDefinitionRunRequested],
    retries: 5,
    concurrency: [{ key: "event.data.definitionId", limit: 1 }],
  },
  async ({ event, step }) =>
    step.run("start", () =>
      runScheduledJobDefinition({
        workspaceId: event.data.workspaceId,
        definitionId: event.data.definitionId,
        scheduledFor: new Date(event.data.scheduledFor),
      }),
    ),
);
