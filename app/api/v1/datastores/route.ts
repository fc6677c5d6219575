import { withApiAuth } from "@/lib/api/with-api-auth";
import { json } from "@/lib/api/respond";
import { strictJsonBody } from "@/lib/api/strict-body";
import { createDatastore, createDatastoreSchema, findDatastores, type CreateDatastoreInput } from "@/lib/datastores/datastores";

export const GET = withApiAuth("datastore:read", async ({ principal }) =>
  json({ data: await findDatastores({ workspaceId: principal.workspace.id }) }),
);

// Registers an Azure Blob container (credentials checked, stored encrypted, never returned), or creates a filesystem datastore.
export const POST = withApiAuth("datastore:manage", async ({ principal, request }) =>
  json(
    await createDatastore({
      workspaceId: principal.workspace.id,
      actor: { tokenId: principal.tokenId },
      input: await strictJsonBody<CreateDatastoreInput>(request, createDatastoreSchema),
    }),
    201,
  ),
);
