import { z } from "zod";
import { json, queryOf } from "@/lib/api/respond";
import { strictJsonBody } from "@/lib/api/strict-body";
import { withApiAuth } from "@/lib/api/with-api-auth";
import { createDataAsset, createDataAssetSchema, findDataAssets, type CreateDataAssetInput } from "@/lib/data-assets/data-assets";
import { pageParamsSchema } from "@/lib/pagination";

const listQuery = pageParamsSchema.extend({ q: z.string().trim().max(255).optional() });

// Data assets by name, each with its newest version (az ml data list).
export const GET = withApiAuth("data:read", async ({ principal, request }) =>
  json(await findDataAssets({ workspaceId: principal.workspace.id, ...queryOf(listQuery, request) })),
);

// Registers a data asset version (az ml data create); without a version, the next integer.
export const POST = withApiAuth("data:write", async ({ principal, request }) =>
  json(
    await createDataAsset({
      workspaceId: principal.workspace.id,
      actor: { tokenId: principal.tokenId },
      input: await strictJsonBody<CreateDataAssetInput>(request, createDataAssetSchema),
    }),
    201,
  ),
);
