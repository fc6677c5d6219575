import "server-only";
import type { Readable } from "node:stream";
import { fieldError, notFound } from "@/lib/errors";
import { blobExists, downloadBlob, listFolder, uploadBlob } from "@/lib/storage";
import { nameProblem, prefixProblem, printable } from "@/lib/storage/names";
import { getStorageTargetOrThrow } from "./datastores";

function cleanPath(p: string) {
  const problem = nameProblem(p);
  if (problem)
    throw fieldError("path", `The path '${printable(p)}' ${problem}. Give a file path inside the datastore, like inputs/2026/img_001.png.`);
  return p;
}

// Uploads bytes to a datastore path, streaming them through.
export async function uploadDatastoreFile(opts: {
  workspaceId: string;
  datastore: string;
  path: string;
  body: Readable;
  contentType?: string;
}) {
  const path = cleanPath(opts.path);
  const target = await getStorageTargetOrThrow({ workspaceId: opts.workspaceId, name: opts.datastore });
  await uploadBlob(target, path, opts.body, { contentType: opts.contentType });
  return { datastore: opts.datastore, path, uri: `datastores/${opts.datastore}/paths/${path}` };
}

// Streams a file of a datastore.
export async function downloadDatastoreFile(opts: { workspaceId: string; datastore: string; path: string }) {
  const path = cleanPath(opts.path);
  const target = await getStorageTargetOrThrow({ workspaceId: opts.workspaceId, name: opts.datastore });
  if (!(await blobExists(target, path))) throw notFound(`File '${path}' in datastore '${opts.datastore}'`);
  return downloadBlob(target, path);
}

// One level of a datastore folder: sub-folders and files.
export async function listDatastoreFolder(opts: { workspaceId: string; datastore: string; prefix?: string; continuationToken?: string }) {
  const prefix = opts.prefix ?? "";
  const problem = prefixProblem(prefix);
  if (problem) throw fieldError("prefix", `The folder '${printable(prefix)}' ${problem}.`);
  const target = await getStorageTargetOrThrow({ workspaceId: opts.workspaceId, name: opts.datastore });
  return listFolder(target, prefix, { continuationToken: opts.continuationToken });
}
