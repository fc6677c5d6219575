import { withApiAuth } from "@/lib/api/with-api-auth";
import { json } from "@/lib/api/respond";
import { strictJsonBody } from "@/lib/api/strict-body";
import { findDeployments } from "@/lib/deployments/manage-deployment";
import { getEndpointOrThrow } from "@/lib/endpoints/find-endpoints";
import { deleteEndpoint, updateEndpoint, updateEndpointSchema, type UpdateEndpointInput } from "@/lib/endpoints/manage-endpoint";

type Params = { endpoint: string };

async function present(workspaceId: string, name: string, baseUrl: string) {
  const e = await getEndpointOrThrow({ workspaceId, name });
  const deployments = await findDeployments({ workspaceId, endpointName: name });
  return {
    name: e.name,
    description: e.description,
    tags: e.tags,
    defaults: { deploymentName: deployments.find((d) => d.isDefault)?.name ?? null },
    deployments: deployments.map((d) => ({ name: d.name, version: d.version, isDefault: d.isDefault })),
    invokeUrl: `${baseUrl}/api/v1/endpoints/${e.name}/jobs`,
    createdAt: e.createdAt,
    updatedAt: e.updatedAt,
  };
}

export const GET = withApiAuth<Params>("endpoint:read", async ({ principal, params, request }) =>
  json(await present(principal.workspace.id, params.endpoint, new URL(request.url).origin)),
);

export const PATCH = withApiAuth<Params>("endpoint:manage", async ({ principal, params, request }) => {
  await updateEndpoint({
    workspaceId: principal.workspace.id,
    actor: { tokenId: principal.tokenId },
    name: params.endpoint,
    input: await strictJsonBody<UpdateEndpointInput>(request, updateEndpointSchema),
  });
  return json(await present(principal.workspace.id, params.endpoint, new URL(request.url).origin));
});

// Deletes the endpoint and its deployments; its jobs and their outputs are kept.
export const DELETE = withApiAuth<Params>("endpoint:manage", async ({ principal, params }) => {
  await deleteEndpoint({ workspaceId: principal.workspace.id, actor: { tokenId: principal.tokenId }, name: params.endpoint });
  return new Response(null, { status: 204 });
});
