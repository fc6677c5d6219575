import { AppError } from "@/lib/errors";
import { getJobLogs } from "@/lib/jobs/job-output";
import { withSessionAuth } from "@/lib/api/with-session-auth";

// One mini-batch's captured log as plain text, for the job page's log viewer.
export const GET = withSessionAuth<{ workspace: string; job: string; index: string }>("job:read", async ({ workspace: ctx, params }) => {
  const index = Number(params.index);
  if (!Number.isInteger(index) || index < 0) throw new AppError("NOT_FOUND", "Mini-batch not found.");
  const text = await getJobLogs({ workspaceId: ctx.workspace.id, name: params.job, miniBatch: index });
  return new Response(text, { headers: { "content-type": "text/plain; charset=utf-8", "cache-control": "private, no-store" } });
});
