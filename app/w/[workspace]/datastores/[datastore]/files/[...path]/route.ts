import { Readable } from "node:stream";
import type { ReadableStream as NodeWebStream } from "node:stream/web";
import { json } from "@/lib/api/respond";
import { withSessionAuth } from "@/lib/api/with-session-auth";
import { uploadDatastoreFile } from "@/lib/datastores/files";
import { AppError } from "@/lib/errors";

// The data browser's upload: one file per request, streamed through to blob storage.
export const PUT = withSessionAuth<{ workspace: string; datastore: string; path: string[] }>(
  "data:write",
  async ({ workspace, params, request }) => {
    if (!request.body) throw new AppError("BAD_REQUEST", "Send the file's bytes as the request body.");
    const file = await uploadDatastoreFile({
      workspaceId: workspace.workspace.id,
      datastore: params.datastore,
      path: params.path.map(decodeURIComponent).join("/"),
      body: Readable.fromWeb(request.body as unknown as NodeWebStream),
      contentType: request.headers.get("content-type") ?? undefined,
    });
    return json(file, 201);
  },
);
