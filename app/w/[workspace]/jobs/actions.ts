"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { workspaceActionClient } from "@/lib/actions/safe-action";
import { cancelJob, cancelJobs, retryFailed, startJob } from "@/lib/jobs/job-commands";
import { getRerunInput } from "@/lib/jobs/job-details";

const jobInput = z.object({ workspace: z.string(), name: z.string().trim().min(1).max(128) });

// Cancels a queued or running job; finished mini-batches keep their output.
export const cancelJobAction = workspaceActionClient
  .metadata({ name: "cancelJob", permission: "job:cancel" })
  .inputSchema(jobInput)
  .action(async ({ parsedInput, ctx }) => {
    await cancelJob({ workspaceId: ctx.workspace.id, actor: ctx.actor, name: parsedInput.name });
    revalidatePath(`/w/${ctx.workspace.slug}/jobs/${parsedInput.name}`);
  });

// Cancels the jobs selected in the jobs table; says which were canceled and why the others were not.
export const cancelJobsAction = workspaceActionClient
  .metadata({ name: "cancelJobs", permission: "job:cancel" })
  .inputSchema(
    z.object({ workspace: z.string(), names: z.array(z.string().trim().min(1).max(128)).min(1, "Select at least one job.").max(200) }),
  )
  .action(async ({ parsedInput, ctx }) => {
    const result = await cancelJobs({ workspaceId: ctx.workspace.id, actor: ctx.actor, names: parsedInput.names });
    revalidatePath(`/w/${ctx.workspace.slug}/jobs`);
    return result;
  });

// Re-runs only the failed mini-batches of a finished job.
export const retryFailedAction = workspaceActionClient
  .metadata({ name: "retryFailed", permission: "job:invoke" })
  .inputSchema(jobInput.extend({ deploymentVersion: z.enum(["job", "current"]).optional() }))
  .action(async ({ parsedInput, ctx }) => {
    const opts = {
      workspaceId: ctx.workspace.id,
      actor: ctx.actor,
      name: parsedInput.name,
      deploymentVersion: parsedInput.deploymentVersion,
    };
    const { miniBatches } = await retryFailed(opts);
    revalidatePath(`/w/${ctx.workspace.slug}/jobs/${parsedInput.name}`);
    return { miniBatches };
  });

// Starts a new job with the inputs, deployment and overrides this one ran with.
export const rerunJobAction = workspaceActionClient
  .metadata({ name: "rerunJob", permission: "job:invoke" })
  .inputSchema(jobInput)
  .action(async ({ parsedInput, ctx }) => {
    const { endpointName, input } = await getRerunInput({ workspaceId: ctx.workspace.id, name: parsedInput.name });
    const { job } = await startJob({ workspaceId: ctx.workspace.id, actor: ctx.actor, endpointName, input, via: "ui" });
    revalidatePath(`/w/${ctx.workspace.slug}/jobs`);
    return { name: job.name };
  });
