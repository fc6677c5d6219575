import { withApiAuth } from "@/lib/api/with-api-auth";
import { baseUrlOf, json } from "@/lib/api/respond";
import { getJobOrThrow } from "@/lib/jobs/find-jobs";
import { readJobInputs } from "@/lib/jobs/job-snapshot";
import { presentJob } from "@/lib/jobs/present-job";
import { countJobItems } from "@/lib/jobs/sources/job-items";

// A job: status, progress counts, timings, output location and error; a job over sources also counts its items.
export const GET = withApiAuth<{ job: string }>("job:read", async ({ principal, params, request }) => {
  const job = await getJobOrThrow({ workspaceId: principal.workspace.id, name: params.job });
  const { sources } = readJobInputs(job);
  const items = sources ? await countJobItems({ workspaceId: job.workspaceId, jobId: job.id, total: sources.length }) : undefined;
  return json({ ...presentJob(job, baseUrlOf(request)), ...(items ? { items } : {}) });
});
