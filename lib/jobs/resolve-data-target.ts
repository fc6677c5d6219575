import "server-only";
import { getStorageTargetOrThrow } from "@/lib/datastores/datastores";
import { AppError } from "@/lib/errors";
import type { StorageTarget } from "@/lib/storage";
import type { DataPath } from "./data-paths";

/** The storage target behind a data path; a datastore must belong to the workspace. */
export async function resolveDataTarget(opts: { workspaceId: string; path: DataPath }): Promise<StorageTarget> {
  const p = opts.path;
  if (p.kind === "datastore") return getStorageTargetOrThrow({ workspaceId: opts.workspaceId, name: p.datastore });
  if (!p.sas) throw new AppError("BAD_REQUEST", "A blob URL needs a SAS token (…?sv=…&sig=…) with read and list permissions, or register the container as a datastore.");
  if (p.endpoint.includes(".blob.core.windows.net")) return { auth: "sas", accountName: p.accountName, containerName: p.containerName, credential: p.sas };
  return { auth: "connection_string", containerName: p.containerName, credential: `BlobEndpoint=${p.endpoint};SharedAccessSignature=${p.sas}` };
}
