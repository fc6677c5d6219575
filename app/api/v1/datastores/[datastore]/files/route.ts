import { z } from "zod";
import { withApiAuth } from "@/lib/api/with-api-auth";
import { json, queryOf } from "@/lib/api/respond";
import { listDatastoreFolder } from "@/lib/datastores/files";

const query = z.object({ prefix: z.string().default(""), continuationToken: z.string().optional() });

// One level of a datastore folder: { folders, files, continuationToken }.
export const GET = withApiAuth<{ datastore: string }>("data:read", async ({ principal, params, request }) =>
  json(await listDatastoreFolder({ workspaceId: principal.workspace.id, datastore: params.datastore, ...queryOf(query, request) })),
);
