import { withApiAuth } from "@/lib/api/with-api-auth";
import { json, jsonBody } from "@/lib/api/respond";
import { rejectUnknownFields } from "@/lib/api/strict-body";
import { createDeployment, createDeploymentSchema, type CreateDeploymentInput } from "@/lib/deployments/create-deployment";
import { findDeployments, getDeploymentOrThrow } from "@/lib/deployments/manage-deployment";
import { readAzureResources, refuseUnsupportedDeployment } from "@/lib/deployments/unsupported";

type Params = { endpoint: string };

export const GET = withApiAuth<Params>("deployment:read", async ({ principal, params }) =>
  json({ data: await findDeployments({ workspaceId: principal.workspace.id, endpointName: params.endpoint }) }),
);

// Pipeline and MLflow no-code deployments are refused with the reason; unknown fields are a 400.
export const POST = withApiAuth<Params>("deployment:manage", async ({ principal, params, request }) => {
  const raw = await jsonBody(request);
  await refuseUnsupportedDeployment({ workspaceId: principal.workspace.id, body: raw });
  const input = rejectUnknownFields(createDeploymentSchema, readAzureResources(raw)) as CreateDeploymentInput;
  const d = await createDeployment({
    workspaceId: principal.workspace.id,
    actor: { tokenId: principal.tokenId },
    endpointName: params.endpoint,
    input,
  });
  return json(await getDeploymentOrThrow({ workspaceId: principal.workspace.id, endpointName: params.endpoint, name: d.name }), 201);
});
