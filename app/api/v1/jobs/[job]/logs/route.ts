import { z } from "zod";
import { withApiAuth } from "@/lib/api/with-api-auth";
import { queryOf } from "@/lib/api/respond";
import { getJobLogs } from "@/lib/jobs/job-output";

const query = z.object({ miniBatch: z.coerce.number().int().min(0).optional() });

// The scoring script's captured output, per mini-batch, as plain text.
export const GET = withApiAuth<{ job: string }>("job:read", async ({ principal, params, request }) => {
  const text = await getJobLogs({ workspaceId: principal.workspace.id, name: params.job, ...queryOf(query, request) });
  return new Response(text, { headers: { "content-type": "text/plain; charset=utf-8" } });
});
