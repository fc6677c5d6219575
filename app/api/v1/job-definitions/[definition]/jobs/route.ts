import { withApiAuth } from "@/lib/api/with-api-auth";
import { json, queryOf } from "@/lib/api/respond";
import { getJobDefinitionOrThrow } from "@/lib/job-definitions/job-definitions";
import { findJobList, findJobListSchema } from "@/lib/jobs/find-job-list";
import { presentJobSummary } from "@/lib/jobs/present-job";

// The jobs a definition started (scheduled and run-now), newest first.
export const GET = withApiAuth<{ definition: string }>("jobdefinition:read", async ({ principal, params, request }) => {
  await getJobDefinitionOrThrow({ workspaceId: principal.workspace.id, name: params.definition });
  const page = await findJobList({
    workspaceId: principal.workspace.id,
    ...queryOf(findJobListSchema, request),
    definition: params.definition,
  });
  return json({ ...page, data: page.data.map(presentJobSummary) });
});
