import "server-only";
import { createApiToken } from "@/lib/api-tokens/api-tokens";
import { hashPassword } from "@/lib/auth/password";
import { hashToken } from "@/lib/crypto/tokens";
import { db } from "@/lib/db";
import { createWorkspace } from "@/lib/workspaces/create-workspace";

export const ADMIN_WORKSPACE_SLUG = "default";

/**
 * For automation: ensures the owner account from BATCHPOINT_ADMIN_EMAIL/PASSWORD in the workspace
 * `default`, and an owner API token with exactly the value of BATCHPOINT_ADMIN_TOKEN there.
 * Safe to run at every start.
 */
export async function ensureAdmin(opts: { email?: string; password?: string; token?: string }) {
  if (!opts.email && !opts.token) return null;
  const email = opts.email?.trim().toLowerCase();
  let ownerId: string | null = null;
  if (email && opts.password) {
    const existing = await db.user.findUnique({ where: { email }, select: { id: true, passwordHash: true } });
    const passwordHash = await hashPassword(opts.password);
    const user = existing
      ? await db.user.update({ where: { id: existing.id }, data: { passwordHash }, select: { id: true } })
      : await db.user.create({ data: { email, name: "Administrator", passwordHash }, select: { id: true } });
    ownerId = user.id;
  }
  let ws = await db.workspace.findUnique({ where: { slug: ADMIN_WORKSPACE_SLUG } });
  if (!ws) {
    const creator =
      ownerId ??
      (
        await db.user.upsert({
          where: { email: "automation@batchpoint.local" },
          create: { email: "automation@batchpoint.local", name: "Automation" },
          update: {},
          select: { id: true },
        })
      ).id;
    ws = await createWorkspace({ name: "Default", slug: ADMIN_WORKSPACE_SLUG, ownerUserId: creator });
  }
  if (ownerId) {
    await db.membership.upsert({
      where: { workspaceId_userId: { workspaceId: ws.id, userId: ownerId } },
      create: { workspaceId: ws.id, userId: ownerId, role: "owner" },
      update: { role: "owner" },
    });
  }
  if (opts.token) {
    const found = await db.apiToken.findUnique({ where: { tokenHash: hashToken(opts.token) }, select: { id: true, workspaceId: true } });
    if (found && found.workspaceId !== ws.id)
      throw new Error("BATCHPOINT_ADMIN_TOKEN is already used by another workspace; choose another value.");
    if (found) {
      await db.apiToken.update({ where: { id: found.id }, data: { role: "owner", revokedAt: null } });
    } else {
      await createApiToken({
        workspaceId: ws.id,
        actor: { userId: ownerId },
        name: "admin (BATCHPOINT_ADMIN_TOKEN)",
        role: "owner",
        token: opts.token,
      });
    }
  }
  return ws;
}
