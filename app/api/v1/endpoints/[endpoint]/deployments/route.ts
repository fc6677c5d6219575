import { withApiAuth } from "@/lib/api/with-api-auth";
import { json, jsonBody } from "@/lib/api/respond";
import { createDeployment, type CreateDeploymentInput } from "@/lib/deployments/create-deployment";
import { findDeployments, getDeploymentOrThrow } from "@/lib/deployments/manage-deployment";

type Params = { endpoint: string };

export const GET = withApiAuth<Params>("deployment:read", async ({ principal, params }) =>
  json({ data: await findDeployments({ workspaceId: principal.workspace.id, endpointName: params.endpoint }) }),
);

export const POST = withApiAuth<Params>("deployment:manage", async ({ principal, params, request }) => {
  const d = await createDeployment({ workspaceId: principal.workspace.id, actor: { tokenId: principal.tokenId }, endpointName: params.endpoint, input: (await jsonBody(request)) as CreateDeploymentInput });
  return json(await getDeploymentOrThrow({ workspaceId: principal.workspace.id, endpointName: params.endpoint, name: d.name }), 201);
});
