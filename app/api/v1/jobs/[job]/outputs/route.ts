import { baseUrlOf, json } from "@/lib/api/respond";
import { withApiAuth } from "@/lib/api/with-api-auth";
import { findJobOutputs } from "@/lib/jobs/script-outputs";

// The files in the job's output location: predictions, errors.jsonl, job-summary.json and what the script wrote.
export const GET = withApiAuth<{ job: string }>("job:read", async ({ principal, params, request }) => {
  const outputs = await findJobOutputs({ workspaceId: principal.workspace.id, name: params.job });
  const base = `${baseUrlOf(request)}/api/v1/jobs/${encodeURIComponent(outputs.job)}/outputs/`;
  return json({
    ...outputs,
    data: outputs.data.map((f) => ({ ...f, url: base + f.path.split("/").map(encodeURIComponent).join("/") })),
    count: outputs.data.length,
  });
});
