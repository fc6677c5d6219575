import "server-only";
import { db } from "@/lib/db";

// Members of a workspace with their roles, oldest first.
export async function findMembers(opts: { workspaceId: string }) {
  const rows = await db.membership.findMany({
    where: { workspaceId: opts.workspaceId },
    orderBy: { createdAt: "asc" },
    select: { id: true, role: true, createdAt: true, user: { select: { id: true, email: true, name: true } } },
  });
  return rows;
}

// Invitations not yet accepted, revoked or expired.
export async function findPendingInvitations(opts: { workspaceId: string }) {
  return db.invitation.findMany({
    where: { workspaceId: opts.workspaceId, acceptedAt: null, revokedAt: null, expiresAt: { gt: new Date() } },
    orderBy: { createdAt: "desc" },
    select: { id: true, email: true, role: true, createdAt: true, expiresAt: true },
  });
}
