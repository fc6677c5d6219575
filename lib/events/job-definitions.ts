import { eventType } from "inngest";
import { z } from "zod";

/** One scheduled run of a job definition; sent by the scheduler tick with id `<definition>:<scheduled time>`. */
export const jobDefinitionRunRequested = eventType("batch/job-definition.run-requested", {
  schema: z.object({ workspaceId: z.string().min(1), definitionId: z.string().min(1), scheduledFor: z.iso.datetime() }),
});

/** Deterministic: the same slot of the same definition is one event (and one job) however often it is sent. */
export const jobDefinitionRunEventId = (definitionId: string, scheduledFor: Date | string) =>
  `${definitionId}:${typeof scheduledFor === "string" ? scheduledFor : scheduledFor.toISOString()}`;
