import "server-only";
import { z } from "zod";
import type { Role } from "@/lib/generated/prisma/enums";
import { recordAuditEvent, type Actor } from "@/lib/audit/record-audit-event";
import { generateToken, hashToken } from "@/lib/crypto/tokens";
import { db } from "@/lib/db";
import { notFound } from "@/lib/errors";
import { roleSchema } from "@/lib/validation";

export const TOKEN_PREFIX = "bp_";

export const createApiTokenSchema = z.object({
  name: z.string().trim().min(1, "Give the token a name, e.g. the pipeline that uses it.").max(64, "Use at most 64 characters."),
  role: roleSchema,
  expiresInDays: z.number().int().min(1, "Use at least 1 day, or no expiry.").max(3650, "Use at most 3,650 days (ten years).").optional(),
});
export type CreateApiTokenInput = z.infer<typeof createApiTokenSchema>;

/** Creates a token; the plaintext is returned once and only its hash is stored. */
export async function createApiToken(opts: { workspaceId: string; actor: Actor; token?: string } & CreateApiTokenInput) {
  const { name, role, expiresInDays } = createApiTokenSchema.parse(opts);
  const token = opts.token ?? generateToken(TOKEN_PREFIX);
  const row = await db.apiToken.create({
    data: {
      workspaceId: opts.workspaceId,
      name,
      role,
      tokenHash: hashToken(token),
      prefix: token.slice(0, 10),
      createdById: opts.actor.userId ?? null,
      expiresAt: expiresInDays ? new Date(Date.now() + expiresInDays * 86_400_000) : null,
    },
  });
  await recordAuditEvent({
    workspaceId: opts.workspaceId,
    actor: opts.actor,
    action: "token.created",
    targetType: "api_token",
    targetId: row.id,
    metadata: { name, role },
  });
  return { apiToken: row, token };
}

// Active (not revoked) tokens of the workspace, newest first.
export async function findApiTokens(opts: { workspaceId: string }) {
  return db.apiToken.findMany({
    where: { workspaceId: opts.workspaceId, revokedAt: null },
    orderBy: { createdAt: "desc" },
  });
}

// Revoked tokens of the workspace, most recently revoked first (the last 50), so the list says what happened to them.
export async function findRevokedApiTokens(opts: { workspaceId: string }) {
  return db.apiToken.findMany({
    where: { workspaceId: opts.workspaceId, revokedAt: { not: null } },
    orderBy: { revokedAt: "desc" },
    take: 50,
  });
}

// Revokes a token at once; requests with it then get 401.
export async function revokeApiToken(opts: { workspaceId: string; actor: Actor; tokenId: string }) {
  const res = await db.apiToken.updateMany({
    where: { id: opts.tokenId, workspaceId: opts.workspaceId, revokedAt: null },
    data: { revokedAt: new Date() },
  });
  if (res.count === 0) throw notFound("API token");
  await recordAuditEvent({
    workspaceId: opts.workspaceId,
    actor: opts.actor,
    action: "token.revoked",
    targetType: "api_token",
    targetId: opts.tokenId,
  });
}

export interface TokenPrincipal {
  tokenId: string;
  workspace: { id: string; slug: string; name: string };
  role: Role;
}

const LAST_USED_GRANULARITY_MS = 60_000;

/** Resolves a bearer token to its workspace and role, or null if unknown, revoked or expired. */
export async function authenticateApiToken(token: string): Promise<TokenPrincipal | null> {
  if (!token.startsWith(TOKEN_PREFIX) && token.length < 24) return null;
  const row = await db.apiToken.findUnique({
    where: { tokenHash: hashToken(token) },
    select: {
      id: true,
      role: true,
      revokedAt: true,
      expiresAt: true,
      lastUsedAt: true,
      workspace: { select: { id: true, slug: true, name: true } },
    },
  });
  if (!row || row.revokedAt || (row.expiresAt && row.expiresAt < new Date())) return null;
  // Recorded at most once a minute, so a busy token does not write on every request.
  if (!row.lastUsedAt || Date.now() - row.lastUsedAt.getTime() > LAST_USED_GRANULARITY_MS) {
    await db.apiToken.update({ where: { id: row.id }, data: { lastUsedAt: new Date() } });
  }
  return { tokenId: row.id, workspace: row.workspace, role: row.role };
}
