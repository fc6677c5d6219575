import { withApiAuth } from "@/lib/api/with-api-auth";
import { baseUrlOf, json, jsonBody, queryOf } from "@/lib/api/respond";
import {
  createJobDefinition,
  findJobDefinitions,
  findJobDefinitionsSchema,
  showJobDefinition,
  type CreateJobDefinitionInput,
} from "@/lib/job-definitions/job-definitions";

export const GET = withApiAuth("jobdefinition:read", async ({ principal, request }) =>
  json(
    await findJobDefinitions({
      workspaceId: principal.workspace.id,
      baseUrl: baseUrlOf(request),
      ...queryOf(findJobDefinitionsSchema, request),
    }),
  ),
);

// Saves an invoke spec with an optional schedule (cron + time zone, or DataRobot's field form).
export const POST = withApiAuth("jobdefinition:manage", async ({ principal, request }) => {
  const def = await createJobDefinition({
    workspaceId: principal.workspace.id,
    actor: { tokenId: principal.tokenId },
    input: (await jsonBody(request)) as CreateJobDefinitionInput,
  });
  const shown = await showJobDefinition({ workspaceId: principal.workspace.id, name: def.name, baseUrl: baseUrlOf(request) });
  return json(shown, 201, { location: shown.links.self });
});
