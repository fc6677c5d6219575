"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { workspaceActionClient } from "@/lib/actions/safe-action";
import { createDeployment, type CreateDeploymentInput } from "@/lib/deployments/create-deployment";
import {
  deleteDeployment,
  restoreDeploymentVersion,
  updateDeployment,
  type UpdateDeploymentInput,
} from "@/lib/deployments/manage-deployment";
import { createEndpoint, createEndpointSchema, parseTags } from "@/lib/endpoints/create-endpoint";
import { deleteEndpoint, updateEndpoint } from "@/lib/endpoints/manage-endpoint";
import type { InvokeJobInput } from "@/lib/jobs/invoke-job";
import { startJob } from "@/lib/jobs/job-commands";

// Creates an endpoint from the form (tags as "key=value, key2=value2").
export const createEndpointAction = workspaceActionClient
  .metadata({ name: "createEndpoint", permission: "endpoint:manage" })
  .inputSchema(
    z.object({
      workspace: z.string(),
      name: createEndpointSchema.shape.name,
      description: z.string().optional(),
      tags: z.string().optional(),
    }),
  )
  .action(async ({ parsedInput, ctx }) => {
    const endpoint = await createEndpoint({
      workspaceId: ctx.workspace.id,
      actor: ctx.actor,
      input: { name: parsedInput.name, description: parsedInput.description, tags: parseTags(parsedInput.tags ?? "") },
    });
    revalidatePath(`/w/${ctx.workspace.slug}/endpoints`);
    return { name: endpoint.name };
  });

const ws = z.object({ workspace: z.string(), endpoint: z.string() });

// Makes a deployment the endpoint's default.
export const setDefaultDeploymentAction = workspaceActionClient
  .metadata({ name: "setDefaultDeployment", permission: "endpoint:manage" })
  .inputSchema(ws.extend({ deployment: z.string() }))
  .action(async ({ parsedInput, ctx }) => {
    await updateEndpoint({
      workspaceId: ctx.workspace.id,
      actor: ctx.actor,
      name: parsedInput.endpoint,
      input: { defaults: { deploymentName: parsedInput.deployment } },
    });
    revalidatePath(`/w/${ctx.workspace.slug}/endpoints/${parsedInput.endpoint}`);
  });

// Deletes a deployment.
export const deleteDeploymentAction = workspaceActionClient
  .metadata({ name: "deleteDeployment", permission: "deployment:manage" })
  .inputSchema(ws.extend({ deployment: z.string() }))
  .action(async ({ parsedInput, ctx }) => {
    await deleteDeployment({
      workspaceId: ctx.workspace.id,
      actor: ctx.actor,
      endpointName: parsedInput.endpoint,
      name: parsedInput.deployment,
    });
    revalidatePath(`/w/${ctx.workspace.slug}/endpoints/${parsedInput.endpoint}`);
  });

// Deletes an endpoint; its jobs stay.
export const deleteEndpointAction = workspaceActionClient
  .metadata({ name: "deleteEndpoint", permission: "endpoint:manage" })
  .inputSchema(ws)
  .action(async ({ parsedInput, ctx }) => {
    await deleteEndpoint({ workspaceId: ctx.workspace.id, actor: ctx.actor, name: parsedInput.endpoint });
    revalidatePath(`/w/${ctx.workspace.slug}/endpoints`);
  });

// Creates a deployment from the form: code files read in the browser, settings as numbers.
export const createDeploymentAction = workspaceActionClient
  .metadata({ name: "createDeployment", permission: "deployment:manage" })
  .inputSchema(ws.extend({ deployment: z.record(z.string(), z.unknown()) }))
  .action(async ({ parsedInput, ctx }) => {
    const d = await createDeployment({
      workspaceId: ctx.workspace.id,
      actor: ctx.actor,
      endpointName: parsedInput.endpoint,
      input: parsedInput.deployment as CreateDeploymentInput,
    });
    revalidatePath(`/w/${ctx.workspace.slug}/endpoints/${parsedInput.endpoint}`);
    return { name: d.name };
  });

// Invokes the endpoint from the dashboard and returns the new job's name.
export const invokeEndpointAction = workspaceActionClient
  .metadata({ name: "invokeEndpoint", permission: "job:invoke" })
  .inputSchema(ws.extend({ invoke: z.record(z.string(), z.unknown()) }))
  .action(async ({ parsedInput, ctx }) => {
    const { job } = await startJob({
      workspaceId: ctx.workspace.id,
      actor: ctx.actor,
      endpointName: parsedInput.endpoint,
      input: parsedInput.invoke as InvokeJobInput,
      via: "ui",
      checkInput: true,
    });
    revalidatePath(`/w/${ctx.workspace.slug}/jobs`);
    return { name: job.name };
  });

// Updates a deployment from the edit form; a change of code or settings makes a new version.
export const updateDeploymentAction = workspaceActionClient
  .metadata({ name: "updateDeployment", permission: "deployment:manage" })
  .inputSchema(ws.extend({ deployment: z.string(), update: z.record(z.string(), z.unknown()) }))
  .action(async ({ parsedInput, ctx }) => {
    const d = await updateDeployment({
      workspaceId: ctx.workspace.id,
      actor: ctx.actor,
      endpointName: parsedInput.endpoint,
      name: parsedInput.deployment,
      input: parsedInput.update as UpdateDeploymentInput,
    });
    revalidatePath(`/w/${ctx.workspace.slug}/endpoints/${parsedInput.endpoint}`);
    return { name: d.name, version: d.version };
  });

// Makes an earlier version of a deployment current again (a rollback), as a new version.
export const restoreDeploymentVersionAction = workspaceActionClient
  .metadata({ name: "restoreDeploymentVersion", permission: "deployment:manage" })
  .inputSchema(ws.extend({ deployment: z.string(), version: z.number().int().min(1) }))
  .action(async ({ parsedInput, ctx }) => {
    const d = await restoreDeploymentVersion({
      workspaceId: ctx.workspace.id,
      actor: ctx.actor,
      endpointName: parsedInput.endpoint,
      name: parsedInput.deployment,
      version: parsedInput.version,
    });
    revalidatePath(`/w/${ctx.workspace.slug}/endpoints/${parsedInput.endpoint}`);
    return { name: d.name, version: d.version };
  });
