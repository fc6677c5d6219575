import { streamResponse } from "@/lib/api/respond";
import { withApiAuth } from "@/lib/api/with-api-auth";
import { openJobOutput } from "@/lib/jobs/script-outputs";

// One file of the job's output location, streamed.
export const GET = withApiAuth<{ job: string; path: string[] }>("job:read", async ({ principal, params }) => {
  const { stream, fileName } = await openJobOutput({ workspaceId: principal.workspace.id, name: params.job, path: params.path.join("/") });
  return streamResponse(stream, {
    "content-type": "application/octet-stream",
    "content-disposition": `attachment; filename="${fileName.replace(/["\\\r\n]/g, "_")}"`,
  });
});
