import { withApiAuth } from "@/lib/api/with-api-auth";
import { json, jsonBody } from "@/lib/api/respond";
import { deleteDeployment, getDeploymentOrThrow, updateDeployment, type UpdateDeploymentInput } from "@/lib/deployments/manage-deployment";

type Params = { endpoint: string; deployment: string };

export const GET = withApiAuth<Params>("deployment:read", async ({ principal, params }) =>
  json(await getDeploymentOrThrow({ workspaceId: principal.workspace.id, endpointName: params.endpoint, name: params.deployment })),
);

export const PATCH = withApiAuth<Params>("deployment:manage", async ({ principal, params, request }) =>
  json(await updateDeployment({ workspaceId: principal.workspace.id, actor: { tokenId: principal.tokenId }, endpointName: params.endpoint, name: params.deployment, input: (await jsonBody(request)) as UpdateDeploymentInput })),
);

export const DELETE = withApiAuth<Params>("deployment:manage", async ({ principal, params }) => {
  await deleteDeployment({ workspaceId: principal.workspace.id, actor: { tokenId: principal.tokenId }, endpointName: params.endpoint, name: params.deployment });
  return new Response(null, { status: 204 });
});
