import "server-only";
import { randomBytes } from "node:crypto";
import { z } from "zod";
import { recordAuditEvent } from "@/lib/audit/record-audit-event";
import { db } from "@/lib/db";
import { AppError, isUniqueViolation } from "@/lib/errors";
import { getEnv } from "@/lib/env";
import { ensureContainer } from "@/lib/storage";
import { DEFAULT_DATASTORE_FOLDER, DEFAULT_DATASTORE_NAME, platformContainerName } from "@/lib/datastores/default-datastore";

export const createWorkspaceSchema = z.object({
  name: z.string().trim().min(2, "Use at least 2 characters.").max(64, "Use at most 64 characters."),
});
export type CreateWorkspaceInput = z.infer<typeof createWorkspaceSchema>;

export function slugify(name: string): string {
  const s = name
    .toLowerCase()
    .normalize("NFKD")
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 40);
  return s.length >= 2 ? s : `ws-${s}`.replace(/-$/, "");
}

/**
 * Creates a workspace owned by `ownerUserId`, with its `workspaceblobstore` datastore and that
 * datastore's container. A taken slug gets a random suffix.
 */
export async function createWorkspace(opts: { name: string; ownerUserId: string; slug?: string }) {
  const { name } = createWorkspaceSchema.parse({ name: opts.name });
  const base = opts.slug ?? slugify(name);
  // BATCHPOINT_DEFAULT_DATASTORE: the embedded setup keeps the default store on local disk (docs/decisions/0024).
  const local = getEnv().BATCHPOINT_DEFAULT_DATASTORE === "filesystem";
  for (let attempt = 0; attempt < 5; attempt++) {
    const slug = attempt === 0 ? base : `${base.slice(0, 40)}-${randomBytes(3).toString("hex")}`;
    try {
      const workspace = await db.$transaction(async (tx) => {
        const ws = await tx.workspace.create({ data: { name, slug } });
        await tx.membership.create({ data: { workspaceId: ws.id, userId: opts.ownerUserId, role: "owner" } });
        await tx.datastore.create({
          data: {
            workspaceId: ws.id,
            name: DEFAULT_DATASTORE_NAME,
            description: local
              ? "The workspace's default store: a folder on this server, managed by Batchpoint."
              : "The workspace's default blob store, managed by Batchpoint.",
            kind: local ? "filesystem" : "azure_blob",
            auth: "platform",
            containerName: local ? DEFAULT_DATASTORE_FOLDER : platformContainerName(ws.id),
            isDefault: true,
          },
        });
        await recordAuditEvent(
          {
            workspaceId: ws.id,
            actor: { userId: opts.ownerUserId },
            action: "workspace.created",
            targetType: "workspace",
            targetId: ws.id,
          },
          tx,
        );
        return ws;
      });
      await ensureContainer(
        local
          ? { auth: "filesystem", workspaceId: workspace.id, folder: DEFAULT_DATASTORE_FOLDER }
          : { auth: "platform", containerName: platformContainerName(workspace.id) },
      );
      return workspace;
    } catch (e) {
      if (!isUniqueViolation(e)) throw e;
    }
  }
  throw new AppError("CONFLICT", "Could not find a free workspace URL; try another name.");
}
