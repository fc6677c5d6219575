import { z } from "zod";
import { json } from "@/lib/api/respond";
import { strictJsonBody } from "@/lib/api/strict-body";
import { withApiAuth } from "@/lib/api/with-api-auth";
import { deleteDatastoreItems } from "@/lib/datastores/files";

const deleteFilesSchema = z.strictObject({ paths: z.unknown() });

// Deletes files and whole folders (paths ending in '/') of a datastore, as the data browser does; audited.
export const POST = withApiAuth<{ datastore: string }>("data:delete", async ({ principal, params, request }) => {
  const body = await strictJsonBody<{ paths?: unknown }>(request, deleteFilesSchema);
  const done = await deleteDatastoreItems({
    workspaceId: principal.workspace.id,
    actor: { tokenId: principal.tokenId },
    datastore: params.datastore,
    paths: body.paths as string[],
  });
  return json(done);
});
