import { withApiAuth } from "@/lib/api/with-api-auth";
import { json } from "@/lib/api/respond";
import { strictJsonBody } from "@/lib/api/strict-body";
import { retryFailed } from "@/lib/jobs/job-commands";
import { retryFailedSchema } from "@/lib/jobs/manage-job";

// Re-runs a finished job's failed mini-batches; body { "deploymentVersion": "job" | "current" } (default "job").
export const POST = withApiAuth<{ job: string }>("job:invoke", async ({ principal, params, request }) => {
  const body = retryFailedSchema.parse(await strictJsonBody(request, retryFailedSchema));
  const { job, miniBatches } = await retryFailed({
    workspaceId: principal.workspace.id,
    actor: { tokenId: principal.tokenId },
    name: params.job,
    deploymentVersion: body.deploymentVersion,
  });
  return json({ name: job.name, status: job.status, miniBatches, deploymentVersion: job.deploymentVersion }, 202);
});
