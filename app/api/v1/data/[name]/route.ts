import { json } from "@/lib/api/respond";
import { withApiAuth } from "@/lib/api/with-api-auth";
import { getDataAssetOrThrow } from "@/lib/data-assets/data-assets";

// The newest version of a data asset (az ml data show --label latest).
export const GET = withApiAuth<{ name: string }>("data:read", async ({ principal, params }) =>
  json(await getDataAssetOrThrow({ workspaceId: principal.workspace.id, name: params.name, version: "latest" })),
);
