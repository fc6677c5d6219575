import "server-only";
import type { Role } from "@/lib/generated/prisma/enums";
import { db } from "@/lib/db";
import { notFound } from "@/lib/errors";

export interface WorkspaceContext {
  workspace: { id: string; slug: string; name: string };
  role: Role;
  userId: string;
}

/**
 * The caller's membership in the workspace with this slug. A workspace the user is not a
 * member of is reported as not found, exactly like one that does not exist.
 */
export async function getWorkspaceContextOrThrow(opts: { slug: string; userId: string }): Promise<WorkspaceContext> {
  const membership = await db.membership.findFirst({
    where: { userId: opts.userId, workspace: { slug: opts.slug } },
    select: { role: true, workspace: { select: { id: true, slug: true, name: true } } },
  });
  if (!membership) throw notFound("Workspace");
  return { workspace: membership.workspace, role: membership.role, userId: opts.userId };
}

// Workspaces the user belongs to, for the switcher, oldest first.
export async function findWorkspacesForUser(opts: { userId: string }) {
  const rows = await db.membership.findMany({
    where: { userId: opts.userId },
    orderBy: { createdAt: "asc" },
    select: { role: true, workspace: { select: { id: true, slug: true, name: true } } },
  });
  return rows.map((r) => ({ ...r.workspace, role: r.role }));
}
