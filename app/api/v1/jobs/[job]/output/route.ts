import { withApiAuth } from "@/lib/api/with-api-auth";
import { streamResponse } from "@/lib/api/respond";
import { openJobFile } from "@/lib/jobs/job-output";

export const GET = withApiAuth<{ job: string }>("job:read", async ({ principal, params }) => {
  const { stream, fileName, contentType } = await openJobFile({
    workspaceId: principal.workspace.id,
    name: params.job,
    file: "predictions",
  });
  return streamResponse(stream, { "content-type": contentType, "content-disposition": `attachment; filename="${fileName}"` });
});
