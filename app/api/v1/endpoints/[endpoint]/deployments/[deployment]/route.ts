import { withApiAuth } from "@/lib/api/with-api-auth";
import { json, jsonBody } from "@/lib/api/respond";
import { rejectUnknownFields } from "@/lib/api/strict-body";
import {
  deleteDeployment,
  getDeploymentOrThrow,
  updateDeployment,
  updateDeploymentSchema,
  type UpdateDeploymentInput,
} from "@/lib/deployments/manage-deployment";
import { readAzureResources } from "@/lib/deployments/unsupported";

type Params = { endpoint: string; deployment: string };

export const GET = withApiAuth<Params>("deployment:read", async ({ principal, params }) =>
  json(await getDeploymentOrThrow({ workspaceId: principal.workspace.id, endpointName: params.endpoint, name: params.deployment })),
);

export const PATCH = withApiAuth<Params>("deployment:manage", async ({ principal, params, request }) => {
  const input = rejectUnknownFields(updateDeploymentSchema, readAzureResources(await jsonBody(request))) as UpdateDeploymentInput;
  const scope = { workspaceId: principal.workspace.id, endpointName: params.endpoint };
  const d = await updateDeployment({ ...scope, actor: { tokenId: principal.tokenId }, name: params.deployment, input });
  return json(d);
});

export const DELETE = withApiAuth<Params>("deployment:manage", async ({ principal, params }) => {
  await deleteDeployment({
    workspaceId: principal.workspace.id,
    actor: { tokenId: principal.tokenId },
    endpointName: params.endpoint,
    name: params.deployment,
  });
  return new Response(null, { status: 204 });
});
