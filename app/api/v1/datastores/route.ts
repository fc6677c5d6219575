import { withApiAuth } from "@/lib/api/with-api-auth";
import { json, jsonBody } from "@/lib/api/respond";
import { createDatastore, findDatastores, type CreateDatastoreInput } from "@/lib/datastores/datastores";

export const GET = withApiAuth("datastore:read", async ({ principal }) =>
  json({ data: await findDatastores({ workspaceId: principal.workspace.id }) }),
);

// Registers an Azure Blob container; credentials are checked, stored encrypted and never returned.
export const POST = withApiAuth("datastore:manage", async ({ principal, request }) =>
  json(
    await createDatastore({
      workspaceId: principal.workspace.id,
      actor: { tokenId: principal.tokenId },
      input: (await jsonBody(request)) as CreateDatastoreInput,
    }),
    201,
  ),
);
