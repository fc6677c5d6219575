import { Readable } from "node:stream";
import type { ReadableStream as NodeWebStream } from "node:stream/web";
import { json, streamResponse } from "@/lib/api/respond";
import { withSessionAuth } from "@/lib/api/with-session-auth";
import { downloadDatastoreFile, inlineImageType, uploadDatastoreFile } from "@/lib/datastores/files";
import { AppError } from "@/lib/errors";

type Params = { workspace: string; datastore: string; path: string[] };

// The data browser's upload: one file per request, streamed through to blob storage.
export const PUT = withSessionAuth<Params>("data:write", async ({ workspace, params, request }) => {
  if (!request.body) throw new AppError("BAD_REQUEST", "Send the file's bytes as the request body.");
  const file = await uploadDatastoreFile({
    workspaceId: workspace.workspace.id,
    datastore: params.datastore,
    path: params.path.map(decodeURIComponent).join("/"),
    body: Readable.fromWeb(request.body as unknown as NodeWebStream),
    contentType: request.headers.get("content-type") ?? undefined,
  });
  return json(file, 201);
});

/**
 * The data browser's download. `?inline=1` shows an image in the page, typed by its extension (never
 * by what the uploader claimed) and sandboxed, so an uploaded file can never run script on this site;
 * everything else is an attachment.
 */
export const GET = withSessionAuth<Params>("data:read", async ({ workspace, params, request }) => {
  const path = params.path.map(decodeURIComponent).join("/");
  const stream = await downloadDatastoreFile({ workspaceId: workspace.workspace.id, datastore: params.datastore, path });
  const image = new URL(request.url).searchParams.get("inline") === "1" ? inlineImageType(path) : null;
  const fileName = path
    .split("/")
    .pop()!
    .replace(/["\\\r\n]/g, "_");
  return streamResponse(stream, {
    "content-type": image ?? "application/octet-stream",
    "content-disposition": `${image ? "inline" : "attachment"}; filename="${fileName}"; filename*=UTF-8''${encodeURIComponent(fileName)}`,
    "content-security-policy": "default-src 'none'; sandbox",
    "x-content-type-options": "nosniff",
    "cache-control": "private, no-store",
  });
});
