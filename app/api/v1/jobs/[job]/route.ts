import { withApiAuth } from "@/lib/api/with-api-auth";
import { baseUrlOf, json } from "@/lib/api/respond";
import { getJobOrThrow } from "@/lib/jobs/find-jobs";
import { presentJob } from "@/lib/jobs/present-job";

// A job: status, progress counts, timings, output location and error.
export const GET = withApiAuth<{ job: string }>("job:read", async ({ principal, params, request }) =>
  json(presentJob(await getJobOrThrow({ workspaceId: principal.workspace.id, name: params.job }), baseUrlOf(request))),
);
