import { filesFromForm } from "@/lib/api/form-files";
import { json } from "@/lib/api/respond";
import { readFormData } from "@/lib/api/read-body";
import { withSessionAuth } from "@/lib/api/with-session-auth";
import { AppError } from "@/lib/errors";
import { createModelVersion } from "@/lib/models/create-model-version";

// Registers a model version from the dashboard's form (multipart: name, version?, description?, files).
export const POST = withSessionAuth("model:manage", async ({ workspace, request }) => {
  const form = await readFormData(request).catch((e) => {
    if (e instanceof AppError) throw e;
    throw new AppError("BAD_REQUEST", "Send the form as multipart/form-data.");
  });
  const files = await filesFromForm(form);
  const str = (k: string) => (typeof form.get(k) === "string" && form.get(k) !== "" ? (form.get(k) as string) : undefined);
  const { model, version } = await createModelVersion({
    workspaceId: workspace.workspace.id,
    actor: { userId: workspace.userId },
    input: { name: str("name") ?? "", version: str("version"), description: str("description"), root: str("root") },
    files,
  });
  return json({ name: model.name, version: version.version }, 201);
});
