import "server-only";
import { db } from "@/lib/db";
import { ensureContainer } from "@/lib/storage";

/** Creates missing containers (or folders) of platform-managed datastores (e.g. after pointing at a new storage account). */
export async function ensureWorkspaceContainers() {
  const stores = await db.datastore.findMany({
    where: { auth: "platform" },
    select: { kind: true, workspaceId: true, containerName: true },
  });
  await Promise.all(
    stores.map((s) =>
      ensureContainer(
        s.kind === "filesystem"
          ? { auth: "filesystem", workspaceId: s.workspaceId, folder: s.containerName }
          : { auth: "platform", containerName: s.containerName },
      ),
    ),
  );
}
