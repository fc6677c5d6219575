import "server-only";
import type { Role } from "@/lib/generated/prisma/enums";
import { recordAuditEvent, type Actor } from "@/lib/audit/record-audit-event";
import { db } from "@/lib/db";
import { AppError, notFound } from "@/lib/errors";

type Tx = Parameters<Parameters<typeof db.$transaction>[0]>[0];

/**
 * Takes the workspace's row lock first: owner changes of one workspace run one at a time, and the
 * count below (a new statement, so under READ COMMITTED it sees the last committed change) cannot
 * miss a demotion committed meanwhile. Without it two owners demoting each other both saw "another
 * owner remains" and the workspace was left with none.
 */
async function lockWorkspaceOwners(tx: Tx, workspaceId: string) {
  await tx.$queryRaw`SELECT 1 FROM "Workspace" WHERE "id" = ${workspaceId} FOR UPDATE`;
}

async function assertAnotherOwnerRemains(tx: Tx, workspaceId: string, membershipId: string) {
  const owners = await tx.membership.count({ where: { workspaceId, role: "owner", id: { not: membershipId } } });
  if (owners === 0) throw new AppError("CONFLICT", "A workspace needs at least one owner. Make someone else an owner first.");
}

// Changes a member's role; the last owner cannot be demoted.
export async function updateMemberRole(opts: { workspaceId: string; actor: Actor; membershipId: string; role: Role }) {
  return db.$transaction(async (tx) => {
    await lockWorkspaceOwners(tx, opts.workspaceId);
    const m = await tx.membership.findFirst({ where: { id: opts.membershipId, workspaceId: opts.workspaceId } });
    if (!m) throw notFound("Member");
    if (m.role === "owner" && opts.role !== "owner") await assertAnotherOwnerRemains(tx, opts.workspaceId, m.id);
    const updated = await tx.membership.update({ where: { id: m.id }, data: { role: opts.role } });
    await recordAuditEvent(
      {
        workspaceId: opts.workspaceId,
        actor: opts.actor,
        action: "member.role_changed",
        targetType: "membership",
        targetId: m.userId,
        metadata: { from: m.role, to: opts.role },
      },
      tx,
    );
    return updated;
  });
}

// Removes a member; the last owner cannot be removed.
export async function removeMember(opts: { workspaceId: string; actor: Actor; membershipId: string }) {
  await db.$transaction(async (tx) => {
    await lockWorkspaceOwners(tx, opts.workspaceId);
    const m = await tx.membership.findFirst({ where: { id: opts.membershipId, workspaceId: opts.workspaceId } });
    if (!m) throw notFound("Member");
    if (m.role === "owner") await assertAnotherOwnerRemains(tx, opts.workspaceId, m.id);
    await tx.membership.delete({ where: { id: m.id } });
    await recordAuditEvent(
      { workspaceId: opts.workspaceId, actor: opts.actor, action: "member.removed", targetType: "membership", targetId: m.userId },
      tx,
    );
  });
}

// Withdraws a pending invitation so its link stops working.
export async function revokeInvitation(opts: { workspaceId: string; actor: Actor; invitationId: string }) {
  const res = await db.invitation.updateMany({
    where: { id: opts.invitationId, workspaceId: opts.workspaceId, acceptedAt: null, revokedAt: null },
    data: { revokedAt: new Date() },
  });
  if (res.count === 0) throw notFound("Invitation");
  await recordAuditEvent({
    workspaceId: opts.workspaceId,
    actor: opts.actor,
    action: "invitation.revoked",
    targetType: "invitation",
    targetId: opts.invitationId,
  });
}
