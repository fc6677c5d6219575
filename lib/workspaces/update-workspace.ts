import "server-only";
import { recordAuditEvent, type Actor } from "@/lib/audit/record-audit-event";
import { db } from "@/lib/db";
import { createWorkspaceSchema } from "./create-workspace";

// Renames a workspace; its URL (slug) stays, so links keep working.
export async function updateWorkspace(opts: { workspaceId: string; actor: Actor; name: string }) {
  const { name } = createWorkspaceSchema.parse({ name: opts.name });
  const ws = await db.workspace.update({ where: { id: opts.workspaceId }, data: { name } });
  await recordAuditEvent({
    workspaceId: ws.id,
    actor: opts.actor,
    action: "workspace.renamed",
    targetType: "workspace",
    targetId: ws.id,
    metadata: { name },
  });
  return ws;
}
