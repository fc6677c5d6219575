import { withApiAuth } from "@/lib/api/with-api-auth";
import { json } from "@/lib/api/respond";
import { getDatastoreOrThrow } from "@/lib/datastores/datastores";

export const GET = withApiAuth<{ datastore: string }>("datastore:read", async ({ principal, params }) =>
  json(await getDatastoreOrThrow({ workspaceId: principal.workspace.id, name: params.datastore })),
);
