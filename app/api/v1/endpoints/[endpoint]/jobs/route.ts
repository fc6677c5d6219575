import { withApiAuth } from "@/lib/api/with-api-auth";
import { baseUrlOf, json, queryOf } from "@/lib/api/respond";
import { strictJsonBody } from "@/lib/api/strict-body";
import { findJobList, findJobListSchema } from "@/lib/jobs/find-job-list";
import { invokeJobSchema, type InvokeJobInput } from "@/lib/jobs/invoke-job";
import { startJob } from "@/lib/jobs/job-commands";
import { presentJob, presentJobSummary } from "@/lib/jobs/present-job";

type Params = { endpoint: string };

// Invokes the endpoint: 202 with the job's name and links. The same idempotencyKey within 24 h returns the same job.
export const POST = withApiAuth<Params>("job:invoke", async ({ principal, params, request }) => {
  const { job, created } = await startJob({
    workspaceId: principal.workspace.id,
    actor: { tokenId: principal.tokenId },
    endpointName: params.endpoint,
    input: await strictJsonBody<InvokeJobInput>(request, invokeJobSchema),
    via: "api",
    checkInput: true,
  });
  const presented = presentJob(job, baseUrlOf(request));
  return json(
    {
      name: presented.name,
      displayName: presented.displayName,
      tags: presented.tags,
      status: presented.status,
      created,
      links: presented.links,
    },
    202,
    { location: presented.links.self },
  );
});

export const GET = withApiAuth<Params>("job:read", async ({ principal, params, request }) => {
  const page = await findJobList({
    workspaceId: principal.workspace.id,
    ...queryOf(findJobListSchema, request),
    endpoint: params.endpoint,
  });
  return json({ ...page, data: page.data.map(presentJobSummary) });
});
