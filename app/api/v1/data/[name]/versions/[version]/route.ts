import { json } from "@/lib/api/respond";
import { withApiAuth } from "@/lib/api/with-api-auth";
import { deleteDataAsset, getDataAssetOrThrow } from "@/lib/data-assets/data-assets";

type Params = { name: string; version: string };

// One version; "latest" is the newest.
export const GET = withApiAuth<Params>("data:read", async ({ principal, params }) =>
  json(await getDataAssetOrThrow({ workspaceId: principal.workspace.id, name: params.name, version: params.version })),
);

export const DELETE = withApiAuth<Params>("data:delete", async ({ principal, params }) => {
  await deleteDataAsset({
    workspaceId: principal.workspace.id,
    actor: { tokenId: principal.tokenId },
    name: params.name,
    version: params.version,
  });
  return new Response(null, { status: 204 });
});
