import { withApiAuth } from "@/lib/api/with-api-auth";
import { json } from "@/lib/api/respond";
import { findJobItems } from "@/lib/jobs/sources/job-items";

// The input items of a Modzy-style job (sources): each one's status, inputs, result location and error, and the counts.
export const GET = withApiAuth<{ job: string }>("job:read", async ({ principal, params }) =>
  json(await findJobItems({ workspaceId: principal.workspace.id, name: params.job })),
);
