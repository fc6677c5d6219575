import { json } from "@/lib/api/respond";
import { withApiAuth } from "@/lib/api/with-api-auth";
import { AppError } from "@/lib/errors";
import { getJobEnvironmentBuild } from "@/lib/jobs/job-logs";

// The environment build of the deployment version this job ran: status, pip's error, the build log.
export const GET = withApiAuth<{ job: string }>("job:read", async ({ principal, params }) => {
  const build = await getJobEnvironmentBuild({ workspaceId: principal.workspace.id, name: params.job });
  if (!build)
    throw new AppError(
      "NOT_FOUND",
      `Job '${params.job}' ran a deployment with no environment file (environment.condaFile or environment.requirementsFile): nothing was built for it.`,
    );
  return json(build);
});
