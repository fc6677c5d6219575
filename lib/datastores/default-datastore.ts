export const DEFAULT_DATASTORE_NAME = "workspaceblobstore";

/** The folder of a filesystem workspaceblobstore, under the workspace's datastores dir. */
export const DEFAULT_DATASTORE_FOLDER = "workspaceblobstore";

/** Each workspace's default datastore is one container in the platform's storage account. */
export function platformContainerName(workspaceId: string): string {
  return `ws-${workspaceId.toLowerCase().replace(/[^a-z0-9]/g, "")}`.slice(0, 63);
}

/**
 * Where Batchpoint kept its own files before they moved to the platform container (docs/decisions/0007).
 * Nothing reads them any more; a folder input over the store's root still leaves the folder out.
 */
export const PLATFORM_PREFIX = "_batchpoint/";
