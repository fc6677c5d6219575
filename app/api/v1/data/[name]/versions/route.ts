import { json, queryOf } from "@/lib/api/respond";
import { withApiAuth } from "@/lib/api/with-api-auth";
import { findDataAssetVersions } from "@/lib/data-assets/data-assets";
import { pageParamsSchema } from "@/lib/pagination";

// The versions of one data asset, newest first.
export const GET = withApiAuth<{ name: string }>("data:read", async ({ principal, params, request }) =>
  json(await findDataAssetVersions({ workspaceId: principal.workspace.id, name: params.name, ...queryOf(pageParamsSchema, request) })),
);
