import { withApiAuth } from "@/lib/api/with-api-auth";
import { json } from "@/lib/api/respond";
import { cancelJob } from "@/lib/jobs/job-commands";

export const POST = withApiAuth<{ job: string }>("job:cancel", async ({ principal, params }) => {
  const job = await cancelJob({ workspaceId: principal.workspace.id, actor: { tokenId: principal.tokenId }, name: params.job });
  return json({ name: job.name, status: "canceling" }, 202);
});
