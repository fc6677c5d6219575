import { Readable } from "node:stream";
import type { ReadableStream as NodeWebStream } from "node:stream/web";
import { withApiAuth } from "@/lib/api/with-api-auth";
import { json, streamResponse } from "@/lib/api/respond";
import { deleteDatastoreItems, downloadDatastoreFile, uploadDatastoreFile } from "@/lib/datastores/files";
import { AppError, fieldError, notFound } from "@/lib/errors";

type Params = { datastore: string; path: string[] };

// Uploads the raw request body to the path, streamed through to blob storage.
export const PUT = withApiAuth<Params>("data:write", async ({ principal, params, request }) => {
  if (!request.body) throw new AppError("BAD_REQUEST", "Send the file's bytes as the request body.");
  const body = Readable.fromWeb(request.body as unknown as NodeWebStream);
  const file = await uploadDatastoreFile({
    workspaceId: principal.workspace.id,
    datastore: params.datastore,
    path: params.path.map(decodeURIComponent).join("/"),
    body,
    contentType: request.headers.get("content-type") ?? undefined,
  });
  return json(file, 201);
});

export const GET = withApiAuth<Params>("data:read", async ({ principal, params }) => {
  const path = params.path.map(decodeURIComponent).join("/");
  const stream = await downloadDatastoreFile({ workspaceId: principal.workspace.id, datastore: params.datastore, path });
  return streamResponse(stream, {
    "content-type": "application/octet-stream",
    "content-disposition": `attachment; filename="${path.split("/").pop()}"`,
  });
});

// Deletes the file at the path; with ?recursive=true, the folder at the path and everything under it.
export const DELETE = withApiAuth<Params>("data:delete", async ({ principal, params, request }) => {
  const path = params.path.map(decodeURIComponent).join("/");
  const recursive = new URL(request.url).searchParams.get("recursive");
  if (recursive !== null && recursive !== "true" && recursive !== "false")
    throw fieldError("recursive", "Use recursive=true to delete a folder and everything under it, or leave it out for one file.");
  const folder = recursive === "true";
  let done: Awaited<ReturnType<typeof deleteDatastoreItems>>;
  try {
    done = await deleteDatastoreItems({
      workspaceId: principal.workspace.id,
      actor: { tokenId: principal.tokenId },
      datastore: params.datastore,
      paths: [folder ? `${path}/` : path],
    });
  } catch (e) {
    // The one path is the URL's, so the field is `path`, not the selection's `paths`.
    const messages = e instanceof AppError ? e.details?.fieldErrors?.paths : undefined;
    throw messages ? fieldError("path", messages[0]) : e;
  }
  if (done.deleted === 0)
    throw notFound(folder ? `Folder '${path}/' in datastore '${params.datastore}'` : `File '${path}' in datastore '${params.datastore}'`);
  return json(done);
});
