import "server-only";
import type { Prisma } from "@/lib/db";
import { db } from "@/lib/db";

/** Who acted: a member, an API token, or an inbound webhook (a job it started); none of them is "the system". */
export interface Actor {
  userId?: string | null;
  tokenId?: string | null;
  webhookId?: string | null;
}

type Tx = Pick<typeof db, "auditEvent">;

// Who did what to which resource, kept per workspace for the audit log.
export async function recordAuditEvent(
  opts: {
    workspaceId: string;
    actor: Actor;
    action: string;
    targetType: string;
    targetId?: string | null;
    metadata?: Prisma.InputJsonValue;
  },
  tx: Tx = db,
) {
  await tx.auditEvent.create({
    data: {
      workspaceId: opts.workspaceId,
      actorUserId: opts.actor.userId ?? null,
      actorTokenId: opts.actor.tokenId ?? null,
      actorWebhookId: opts.actor.webhookId ?? null,
      action: opts.action,
      targetType: opts.targetType,
      targetId: opts.targetId ?? null,
      metadata: opts.metadata ?? {},
    },
  });
}
