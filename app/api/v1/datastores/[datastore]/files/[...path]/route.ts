import { Readable } from "node:stream";
import type { ReadableStream as NodeWebStream } from "node:stream/web";
import { withApiAuth } from "@/lib/api/with-api-auth";
import { json, streamResponse } from "@/lib/api/respond";
import { downloadDatastoreFile, uploadDatastoreFile } from "@/lib/datastores/files";
import { AppError } from "@/lib/errors";

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
