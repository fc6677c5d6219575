import { withApiAuth } from "@/lib/api/with-api-auth";
import { baseUrlOf, json, jsonBody } from "@/lib/api/respond";
import {
  deleteJobDefinition,
  showJobDefinition,
  updateJobDefinition,
  type UpdateJobDefinitionInput,
} from "@/lib/job-definitions/job-definitions";

type Params = { definition: string };

export const GET = withApiAuth<Params>("jobdefinition:read", async ({ principal, params, request }) =>
  json(await showJobDefinition({ workspaceId: principal.workspace.id, name: params.definition, baseUrl: baseUrlOf(request) })),
);

// Changes any field; `{"enabled": false}` pauses the schedule, `{"enabled": true}` resumes it from now.
export const PATCH = withApiAuth<Params>("jobdefinition:manage", async ({ principal, params, request }) => {
  const def = await updateJobDefinition({
    workspaceId: principal.workspace.id,
    actor: { tokenId: principal.tokenId },
    name: params.definition,
    input: (await jsonBody(request)) as UpdateJobDefinitionInput,
  });
  return json(await showJobDefinition({ workspaceId: principal.workspace.id, name: def.name, baseUrl: baseUrlOf(request) }));
});

export const DELETE = withApiAuth<Params>("jobdefinition:manage", async ({ principal, params }) => {
  await deleteJobDefinition({ workspaceId: principal.workspace.id, actor: { tokenId: principal.tokenId }, name: params.definition });
  return new Response(null, { status: 204 });
});
