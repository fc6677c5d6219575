"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { workspaceActionClient } from "@/lib/actions/safe-action";
import { DATA_INPUT_TYPES, dataInputTypeList } from "@/lib/jobs/inputs";
import { cloneJobDefinition, createJobDefinition, deleteJobDefinition, updateJobDefinition } from "@/lib/job-definitions/job-definitions";
import { runJobDefinitionNow } from "@/lib/job-definitions/run-job-definition";

const ws = z.object({ workspace: z.string() });
const one = ws.extend({ name: z.string() });

// Creates a job definition from the form: one data input, an output path, an optional schedule.
export const createJobDefinitionAction = workspaceActionClient
  .metadata({ name: "createJobDefinition", permission: "jobdefinition:manage" })
  .inputSchema(
    ws.extend({
      name: z.string(),
      description: z.string().optional(),
      endpointName: z.string(),
      deploymentName: z.string().optional(),
      inputType: z.enum(DATA_INPUT_TYPES, { error: `Choose an input type: ${dataInputTypeList()}.` }),
      inputPath: z.string(),
      outputPath: z.string().optional(),
      schedule: z.string().optional(),
      timezone: z.string().optional(),
      overlapPolicy: z.enum(["skip", "allow"]).optional(),
      enabled: z.boolean().optional(),
    }),
  )
  .action(async ({ parsedInput: p, ctx }) => {
    const def = await createJobDefinition({
      workspaceId: ctx.workspace.id,
      actor: ctx.actor,
      input: {
        name: p.name,
        description: p.description || undefined,
        endpointName: p.endpointName,
        deploymentName: p.deploymentName || undefined,
        spec: { input: { type: p.inputType, path: p.inputPath }, ...(p.outputPath ? { output: { path: p.outputPath } } : {}) },
        schedule: p.schedule?.trim() ? p.schedule.trim() : null,
        timezone: p.timezone || "UTC",
        overlapPolicy: p.overlapPolicy ?? "skip",
        enabled: p.enabled ?? true,
      },
    });
    revalidatePath(`/w/${ctx.workspace.slug}/job-definitions`);
    return { name: def.name };
  });

// Runs a definition now; scientists may, as they may invoke.
export const runJobDefinitionAction = workspaceActionClient
  .metadata({ name: "runJobDefinition", permission: "jobdefinition:run" })
  .inputSchema(one)
  .action(async ({ parsedInput, ctx }) => {
    const { job } = await runJobDefinitionNow({ workspaceId: ctx.workspace.id, actor: ctx.actor, name: parsedInput.name });
    revalidatePath(`/w/${ctx.workspace.slug}/job-definitions/${parsedInput.name}`);
    return { job: job.name };
  });

// Pauses or resumes a definition's schedule.
export const setJobDefinitionEnabledAction = workspaceActionClient
  .metadata({ name: "setJobDefinitionEnabled", permission: "jobdefinition:manage" })
  .inputSchema(one.extend({ enabled: z.boolean() }))
  .action(async ({ parsedInput, ctx }) => {
    await updateJobDefinition({
      workspaceId: ctx.workspace.id,
      actor: ctx.actor,
      name: parsedInput.name,
      input: { enabled: parsedInput.enabled },
    });
    revalidatePath(`/w/${ctx.workspace.slug}/job-definitions/${parsedInput.name}`);
  });

// Copies a definition (disabled) under a new name.
export const cloneJobDefinitionAction = workspaceActionClient
  .metadata({ name: "cloneJobDefinition", permission: "jobdefinition:manage" })
  .inputSchema(one.extend({ newName: z.string() }))
  .action(async ({ parsedInput, ctx }) => {
    const def = await cloneJobDefinition({
      workspaceId: ctx.workspace.id,
      actor: ctx.actor,
      name: parsedInput.name,
      newName: parsedInput.newName,
    });
    revalidatePath(`/w/${ctx.workspace.slug}/job-definitions`);
    return { name: def.name };
  });

// Deletes a definition; its jobs stay.
export const deleteJobDefinitionAction = workspaceActionClient
  .metadata({ name: "deleteJobDefinition", permission: "jobdefinition:manage" })
  .inputSchema(one)
  .action(async ({ parsedInput, ctx }) => {
    await deleteJobDefinition({ workspaceId: ctx.workspace.id, actor: ctx.actor, name: parsedInput.name });
    revalidatePath(`/w/${ctx.workspace.slug}/job-definitions`);
  });
