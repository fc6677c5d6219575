import { withApiAuth } from "@/lib/api/with-api-auth";
import { json } from "@/lib/api/respond";
import { getModelOrThrow } from "@/lib/models/find-models";

// A model with its versions, newest first; storage locations stay internal.
export const GET = withApiAuth<{ model: string }>("model:read", async ({ principal, params }) => {
  const m = await getModelOrThrow({ workspaceId: principal.workspace.id, name: params.model });
  return json({
    name: m.name,
    description: m.description,
    createdAt: m.createdAt,
    versions: m.versions.map((v) => ({
      version: v.version,
      description: v.description,
      files: v.fileCount,
      sizeBytes: v.sizeBytes,
      createdAt: v.createdAt,
    })),
  });
});
