import { withApiAuth } from "@/lib/api/with-api-auth";
import { json, queryOf } from "@/lib/api/respond";
import { findMiniBatches, findMiniBatchesSchema } from "@/lib/jobs/find-jobs";

export const GET = withApiAuth<{ job: string }>("job:read", async ({ principal, params, request }) =>
  json(await findMiniBatches({ workspaceId: principal.workspace.id, jobName: params.job, ...queryOf(findMiniBatchesSchema, request) })),
);
