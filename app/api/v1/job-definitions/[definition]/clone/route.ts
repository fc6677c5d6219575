import { z } from "zod";
import { withApiAuth } from "@/lib/api/with-api-auth";
import { baseUrlOf, json, jsonBody } from "@/lib/api/respond";
import { cloneJobDefinition, showJobDefinition } from "@/lib/job-definitions/job-definitions";

const cloneSchema = z.strictObject({ name: z.string().trim().min(1, "Give the copy a name.") });

// Copies the definition under a new name; the copy starts disabled.
export const POST = withApiAuth<{ definition: string }>("jobdefinition:manage", async ({ principal, params, request }) => {
  const { name } = cloneSchema.parse(await jsonBody(request));
  const def = await cloneJobDefinition({
    workspaceId: principal.workspace.id,
    actor: { tokenId: principal.tokenId },
    name: params.definition,
    newName: name,
  });
  const shown = await showJobDefinition({ workspaceId: principal.workspace.id, name: def.name, baseUrl: baseUrlOf(request) });
  return json(shown, 201, { location: shown.links.self });
});
