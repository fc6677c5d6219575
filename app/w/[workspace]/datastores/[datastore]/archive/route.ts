import { streamResponse } from "@/lib/api/respond";
import { withSessionAuth } from "@/lib/api/with-session-auth";
import { zipDatastoreItems } from "@/lib/datastores/files";
import { AppError } from "@/lib/errors";

type Params = { workspace: string; datastore: string };

async function zipResponse(opts: { workspaceId: string; datastore: string; paths: string[]; base: string }) {
  const { stream } = await zipDatastoreItems(opts);
  const name = (opts.paths.length === 1 ? opts.paths[0].replace(/\/$/, "").split("/").pop() : null) ?? opts.datastore;
  const fileName = `${name}.zip`.replace(/["\\\r\n]/g, "_");
  return streamResponse(stream, {
    "content-type": "application/zip",
    "content-disposition": `attachment; filename="${fileName}"; filename*=UTF-8''${encodeURIComponent(fileName)}`,
    "cache-control": "private, no-store",
  });
}

// A folder as a zip: ?path=<folder>/ (repeatable) and ?base=<folder the names are relative to>.
export const GET = withSessionAuth<Params>("data:read", async ({ workspace, params, request }) => {
  const q = new URL(request.url).searchParams;
  const unknown = [...q.keys()].filter((k) => k !== "path" && k !== "base");
  if (unknown.length) throw new AppError("BAD_REQUEST", `Unknown query parameter '${unknown[0]}': use path and base.`);
  return zipResponse({
    workspaceId: workspace.workspace.id,
    datastore: params.datastore,
    paths: q.getAll("path"),
    base: q.get("base") ?? "",
  });
});

// The data browser's "Download selected": the same zip, from a form post (a selection may be too long for a URL).
export const POST = withSessionAuth<Params>("data:read", async ({ workspace, params, request }) => {
  const form = await request.formData().catch(() => {
    throw new AppError("BAD_REQUEST", "Send the selection as a form (fields path and base).");
  });
  const unknown = [...form.keys()].filter((k) => k !== "path" && k !== "base");
  if (unknown.length) throw new AppError("BAD_REQUEST", `Unknown field '${unknown[0]}': use path and base.`);
  return zipResponse({
    workspaceId: workspace.workspace.id,
    datastore: params.datastore,
    paths: form.getAll("path").map(String),
    base: String(form.get("base") ?? ""),
  });
});
