export const DEFAULT_DATASTORE_NAME = "workspaceblobstore";

/** Each workspace's default datastore is one container in the platform's storage account. */
export function platformContainerName(workspaceId: string): string {
  return `ws-${workspaceId.toLowerCase().replace(/[^a-z0-9]/g, "")}`.slice(0, 63);
}

/**
 * Where Batchpoint keeps its own files (deployment code, model versions) in the default datastore.
 * A folder input over the store's root leaves them out; the data browser labels the folder.
 */
export const PLATFORM_PREFIX = "_batchpoint/";
