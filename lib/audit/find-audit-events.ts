import "server-only";
import { db } from "@/lib/db";
import { paginate, type Page } from "@/lib/pagination";

// The workspace's audit log, newest first, with the acting user's email.
export async function findAuditEvents(opts: { workspaceId: string; page?: number; perPage?: number }) {
  const { skip, take, wrap } = paginate(opts);
  const where = { workspaceId: opts.workspaceId };
  const [rows, count] = await Promise.all([
    db.auditEvent.findMany({ where, orderBy: { createdAt: "desc" }, skip, take }),
    db.auditEvent.count({ where }),
  ]);
  const userIds = [...new Set(rows.map((r) => r.actorUserId).filter((x): x is string => !!x))];
  const users = await db.user.findMany({ where: { id: { in: userIds } }, select: { id: true, email: true } });
  const emailById = new Map(users.map((u) => [u.id, u.email]));
  return wrap(
    rows.map((r) => ({ ...r, actorEmail: r.actorUserId ? (emailById.get(r.actorUserId) ?? null) : null })),
    count,
  ) satisfies Page<unknown>;
}
