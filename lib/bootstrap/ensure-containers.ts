import "server-only";
import { db } from "@/lib/db";
import { ensureContainer } from "@/lib/storage";

/** Creates missing containers of platform-managed datastores (e.g. after pointing at a new storage account). */
export async function ensureWorkspaceContainers() {
  const stores = await db.datastore.findMany({ where: { auth: "platform" }, select: { containerName: true } });
  await Promise.all(stores.map((s) => ensureContainer({ auth: "platform", containerName: s.containerName })));
}
