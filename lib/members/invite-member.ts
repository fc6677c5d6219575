import "server-only";
import { z } from "zod";
import { recordAuditEvent, type Actor } from "@/lib/audit/record-audit-event";
import { generateToken, hashToken } from "@/lib/crypto/tokens";
import { db } from "@/lib/db";
import { fieldError } from "@/lib/errors";
import { emailSchema, roleSchema } from "@/lib/validation";
import { sendInvitationEmail } from "@/lib/mail/send-invitation-email";

export const inviteMemberSchema = z.object({ email: emailSchema, role: roleSchema });
export type InviteMemberInput = z.infer<typeof inviteMemberSchema>;

export const INVITATION_TTL_MS = 7 * 24 * 60 * 60 * 1000;

/**
 * Invites someone by email. Returns the invitation and its one-time token; the link is shown in
 * the UI (no mail server is assumed) and also mailed when SMTP is configured.
 */
export async function inviteMember(opts: { workspaceId: string; actor: Actor; baseUrl: string } & InviteMemberInput) {
  const { email, role } = inviteMemberSchema.parse(opts);
  const existing = await db.membership.findFirst({ where: { workspaceId: opts.workspaceId, user: { email } } });
  if (existing) throw fieldError("email", "This person is already a member of the workspace.", "CONFLICT");
  const token = generateToken("inv_");
  const invitation = await db.$transaction(async (tx) => {
    // A new invitation replaces any pending one for the same email.
    await tx.invitation.updateMany({
      where: { workspaceId: opts.workspaceId, email, acceptedAt: null, revokedAt: null },
      data: { revokedAt: new Date() },
    });
    const inv = await tx.invitation.create({
      data: {
        workspaceId: opts.workspaceId,
        email,
        role,
        tokenHash: hashToken(token),
        invitedById: opts.actor.userId ?? null,
        expiresAt: new Date(Date.now() + INVITATION_TTL_MS),
      },
    });
    await recordAuditEvent(
      {
        workspaceId: opts.workspaceId,
        actor: opts.actor,
        action: "member.invited",
        targetType: "invitation",
        targetId: inv.id,
        metadata: { email, role },
      },
      tx,
    );
    return inv;
  });
  const url = `${opts.baseUrl.replace(/\/$/, "")}/invite/${token}`;
  const ws = await db.workspace.findUniqueOrThrow({ where: { id: opts.workspaceId }, select: { name: true } });
  const emailed = await sendInvitationEmail({ to: email, workspaceName: ws.name, url, role });
  return { invitation, token, url, emailed };
}
