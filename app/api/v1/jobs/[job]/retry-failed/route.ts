import { withApiAuth } from "@/lib/api/with-api-auth";
import { json } from "@/lib/api/respond";
import { retryFailed } from "@/lib/jobs/job-commands";

export const POST = withApiAuth<{ job: string }>("job:invoke", async ({ principal, params }) => {
  const { job, miniBatches } = await retryFailed({ workspaceId: principal.workspace.id, actor: { tokenId: principal.tokenId }, name: params.job });
  return json({ name: job.name, status: job.status, miniBatches }, 202);
});
