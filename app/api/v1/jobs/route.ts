import { withApiAuth } from "@/lib/api/with-api-auth";
import { json, queryOf } from "@/lib/api/respond";
import { findJobList, findJobListSchema } from "@/lib/jobs/find-job-list";
import { presentJobSummary } from "@/lib/jobs/present-job";

export const GET = withApiAuth("job:read", async ({ principal, request }) => {
  const page = await findJobList({ workspaceId: principal.workspace.id, ...queryOf(findJobListSchema, request) });
  return json({ ...page, data: page.data.map(presentJobSummary) });
});
