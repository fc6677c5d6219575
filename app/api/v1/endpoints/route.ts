import { withApiAuth } from "@/lib/api/with-api-auth";
import { json, queryOf } from "@/lib/api/respond";
import { strictJsonBody } from "@/lib/api/strict-body";
import { createEndpoint, createEndpointSchema, type CreateEndpointInput } from "@/lib/endpoints/create-endpoint";
import { findEndpoints, findEndpointsSchema } from "@/lib/endpoints/find-endpoints";

export const GET = withApiAuth("endpoint:read", async ({ principal, request }) =>
  json(await findEndpoints({ workspaceId: principal.workspace.id, ...queryOf(findEndpointsSchema, request) })),
);

export const POST = withApiAuth("endpoint:manage", async ({ principal, request }) => {
  const e = await createEndpoint({
    workspaceId: principal.workspace.id,
    actor: { tokenId: principal.tokenId },
    input: await strictJsonBody<CreateEndpointInput>(request, createEndpointSchema),
  });
  return json({ name: e.name, description: e.description, tags: e.tags, createdAt: e.createdAt }, 201);
});
