import "server-only";
import { recordAuditEvent } from "@/lib/audit/record-audit-event";
import { hashToken } from "@/lib/crypto/tokens";
import { db } from "@/lib/db";
import { AppError } from "@/lib/errors";

/** The pending invitation behind a token, with its workspace, or null if unusable. */
export async function getPendingInvitation(opts: { token: string }) {
  const inv = await db.invitation.findUnique({
    where: { tokenHash: hashToken(opts.token) },
    include: { workspace: { select: { id: true, slug: true, name: true } } },
  });
  if (!inv || inv.acceptedAt || inv.revokedAt || inv.expiresAt < new Date()) return null;
  return inv;
}

// Makes the signed-in user a member with the invited role; the invitation works once.
export async function acceptInvitation(opts: { token: string; userId: string }) {
  const inv = await getPendingInvitation({ token: opts.token });
  if (!inv)
    throw new AppError("NOT_FOUND", "This invitation is invalid, expired, or was already used. Ask the workspace owner for a new one.");
  const user = await db.user.findUniqueOrThrow({ where: { id: opts.userId }, select: { email: true } });
  if (user.email !== inv.email) {
    throw new AppError("FORBIDDEN", `This invitation is for ${inv.email}. Sign in with that email to accept it.`);
  }
  await db.$transaction(async (tx) => {
    const claimed = await tx.invitation.updateMany({
      where: { id: inv.id, acceptedAt: null, revokedAt: null },
      data: { acceptedAt: new Date() },
    });
    if (claimed.count === 0) throw new AppError("CONFLICT", "This invitation was already used.");
    await tx.membership.upsert({
      where: { workspaceId_userId: { workspaceId: inv.workspaceId, userId: opts.userId } },
      create: { workspaceId: inv.workspaceId, userId: opts.userId, role: inv.role },
      update: {},
    });
    await recordAuditEvent(
      {
        workspaceId: inv.workspaceId,
        actor: { userId: opts.userId },
        action: "member.joined",
        targetType: "membership",
        targetId: opts.userId,
        metadata: { role: inv.role },
      },
      tx,
    );
  });
  return inv.workspace;
}
