import { withApiAuth } from "@/lib/api/with-api-auth";
import { filesFromForm } from "@/lib/api/form-files";
import { json, queryOf } from "@/lib/api/respond";
import { readFormData } from "@/lib/api/read-body";
import { AppError } from "@/lib/errors";
import { createModelVersion } from "@/lib/models/create-model-version";
import { findModels } from "@/lib/models/find-models";
import { pageParamsSchema } from "@/lib/pagination";

export const GET = withApiAuth("model:read", async ({ principal, request }) =>
  json(await findModels({ workspaceId: principal.workspace.id, ...queryOf(pageParamsSchema, request) })),
);

// Registers a model version from a multipart form: name, optional version and description, files (their names may carry folders).
export const POST = withApiAuth("model:manage", async ({ principal, request }) => {
  let form: FormData;
  try {
    form = await readFormData(request);
  } catch (e) {
    if (e instanceof AppError) throw e;
    throw new AppError("BAD_REQUEST", "Send multipart/form-data with the fields name, version (optional) and one or more files.");
  }
  const files = await filesFromForm(form);
  const str = (k: string) => (typeof form.get(k) === "string" ? (form.get(k) as string) : undefined);
  const { model, version } = await createModelVersion({
    workspaceId: principal.workspace.id,
    actor: { tokenId: principal.tokenId },
    input: { name: str("name") ?? "", version: str("version") || undefined, description: str("description"), root: str("root") },
    files,
  });
  return json(
    { name: model.name, version: version.version, files: version.fileCount, sizeBytes: version.sizeBytes, createdAt: version.createdAt },
    201,
  );
});
