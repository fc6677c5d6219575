import { json } from "@/lib/api/respond";
import { withApiAuth } from "@/lib/api/with-api-auth";
import { getDeploymentEnvironmentBuild } from "@/lib/deployments/manage-deployment";
import { AppError } from "@/lib/errors";

type Params = { endpoint: string; deployment: string };

// The deployment's environment build (from its conda or requirements file): status, pip's error, the build log.
export const GET = withApiAuth<Params>("deployment:read", async ({ principal, params }) => {
  const build = await getDeploymentEnvironmentBuild({
    workspaceId: principal.workspace.id,
    endpointName: params.endpoint,
    name: params.deployment,
  });
  if (!build)
    throw new AppError(
      "NOT_FOUND",
      `Deployment '${params.deployment}' names no environment file (environment.condaFile or environment.requirementsFile): nothing is built for it.`,
    );
  return json(build);
});
