import { withApiAuth } from "@/lib/api/with-api-auth";
import { json } from "@/lib/api/respond";
import { notFound } from "@/lib/errors";
import { getModelOrThrow } from "@/lib/models/find-models";

export const GET = withApiAuth<{ model: string; version: string }>("model:read", async ({ principal, params }) => {
  const model = await getModelOrThrow({ workspaceId: principal.workspace.id, name: params.model });
  const v = model.versions.find((x) => x.version === params.version);
  if (!v) throw notFound(`Version ${params.version} of model '${model.name}'`);
  return json({
    name: model.name,
    version: v.version,
    description: v.description,
    files: v.fileCount,
    sizeBytes: v.sizeBytes,
    createdAt: v.createdAt,
  });
});
