import "server-only";
import { z } from "zod";
import { db, type Prisma } from "@/lib/db";
import { paginate, pageParamsSchema, type Page } from "@/lib/pagination";

const day = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "Use a date as YYYY-MM-DD.")
  .refine((s) => !Number.isNaN(Date.parse(`${s}T00:00:00Z`)), "Use a real calendar date.");

/** The audit log's filters, as URL search params: `actor` is `user:<id>`, `token:<id>`, `webhook:<id>` or `system`; days are UTC. */
export const findAuditEventsSchema = pageParamsSchema.extend({
  actor: z
    .string()
    .regex(/^(user:[\w-]+|token:[\w-]+|webhook:[\w-]+|system)$/, "Choose an actor from the list.")
    .optional(),
  action: z
    .string()
    .regex(/^[a-z_]+(\.[a-z_]+)?$/, "Choose an action from the list.")
    .optional(),
  resource: z
    .string()
    .regex(/^[A-Za-z_]+$/, "Choose a resource type from the list.")
    .optional(),
  from: day.optional(),
  to: day.optional(),
});
export type FindAuditEventsInput = z.infer<typeof findAuditEventsSchema>;

/** Where an audit entry pointed, resolved now: its name, and whether it still exists. */
export interface AuditTarget {
  type: string;
  id: string | null;
  name: string | null;
  /** a path inside the workspace (`/endpoints/x`), while the resource still exists */
  href: string | null;
  /** for a deployment: its endpoint */
  parent?: string | null;
}

function whereOf(workspaceId: string, f: Partial<FindAuditEventsInput>): Prisma.AuditEventWhereInput {
  const actor = f.actor?.split(":");
  return {
    workspaceId,
    ...(actor?.[0] === "user" ? { actorUserId: actor[1] } : {}),
    ...(actor?.[0] === "token" ? { actorTokenId: actor[1] } : {}),
    ...(actor?.[0] === "webhook" ? { actorWebhookId: actor[1] } : {}),
    ...(actor?.[0] === "system" ? { actorUserId: null, actorTokenId: null, actorWebhookId: null } : {}),
    // "webhook" matches every webhook.* action; "webhook.deleted" only that one.
    ...(f.action ? (f.action.includes(".") ? { action: f.action } : { action: { startsWith: `${f.action}.` } }) : {}),
    ...(f.resource ? { targetType: f.resource } : {}),
    ...(f.from || f.to
      ? {
          createdAt: {
            ...(f.from ? { gte: new Date(`${f.from}T00:00:00Z`) } : {}),
            // `to` is a whole day: up to the start of the next one.
            ...(f.to ? { lt: new Date(Date.parse(`${f.to}T00:00:00Z`) + 86_400_000) } : {}),
          },
        }
      : {}),
  };
}

const ids = (rows: { targetType: string; targetId: string | null }[], type: string) => [
  ...new Set(rows.filter((r) => r.targetType === type && r.targetId).map((r) => r.targetId as string)),
];

/** Looks up, in this workspace only, what each entry acted on, so the log names it (and links it while it exists). */
async function resolveTargets(workspaceId: string, rows: { targetType: string; targetId: string | null }[]) {
  const ws = { workspaceId };
  const [tokens, jobs, endpoints, deployments, models, datastores, webhooks, definitions, assets, members, workspace] = await Promise.all([
    db.apiToken.findMany({ where: { ...ws, id: { in: ids(rows, "api_token") } }, select: { id: true, name: true } }),
    db.job.findMany({ where: { ...ws, id: { in: ids(rows, "job") } }, select: { id: true, name: true, displayName: true } }),
    db.endpoint.findMany({ where: { ...ws, id: { in: ids(rows, "endpoint") } }, select: { id: true, name: true } }),
    db.deployment.findMany({
      where: { ...ws, id: { in: ids(rows, "deployment") } },
      select: { id: true, name: true, endpoint: { select: { name: true } } },
    }),
    db.model.findMany({ where: { ...ws, id: { in: ids(rows, "model") } }, select: { id: true, name: true } }),
    db.datastore.findMany({ where: { ...ws, id: { in: ids(rows, "datastore") } }, select: { id: true, name: true } }),
    db.webhook.findMany({ where: { ...ws, id: { in: ids(rows, "webhook") } }, select: { id: true, name: true } }),
    db.jobDefinition.findMany({ where: { ...ws, id: { in: ids(rows, "jobDefinition") } }, select: { id: true, name: true } }),
    db.dataAsset.findMany({ where: { ...ws, id: { in: ids(rows, "data_asset") } }, select: { id: true, name: true } }),
    db.membership.findMany({
      where: { ...ws, userId: { in: ids(rows, "membership") } },
      select: { userId: true, user: { select: { email: true } } },
    }),
    db.workspace.findUnique({ where: { id: workspaceId }, select: { id: true, name: true } }),
  ]);
  const map = new Map<string, { name: string; href: string | null; parent?: string }>();
  const put = (type: string, id: string, name: string, href: string | null, parent?: string) =>
    map.set(`${type}:${id}`, { name, href, parent });
  for (const t of tokens) put("api_token", t.id, t.name, "/settings/tokens");
  for (const j of jobs) put("job", j.id, j.displayName ? `${j.displayName} (${j.name})` : j.name, `/jobs/${encodeURIComponent(j.name)}`);
  for (const e of endpoints) put("endpoint", e.id, e.name, `/endpoints/${encodeURIComponent(e.name)}`);
  for (const d of deployments)
    put(
      "deployment",
      d.id,
      d.name,
      `/endpoints/${encodeURIComponent(d.endpoint.name)}/deployments/${encodeURIComponent(d.name)}`,
      d.endpoint.name,
    );
  for (const m of models) put("model", m.id, m.name, `/models/${encodeURIComponent(m.name)}`);
  for (const d of datastores) put("datastore", d.id, d.name, `/datastores/${encodeURIComponent(d.name)}`);
  for (const w of webhooks) put("webhook", w.id, w.name, `/settings/webhooks/${w.id}`);
  for (const d of definitions) put("jobDefinition", d.id, d.name, `/job-definitions/${encodeURIComponent(d.name)}`);
  for (const a of assets) put("data_asset", a.id, a.name, null);
  for (const m of members) put("membership", m.userId, m.user.email, "/settings/members");
  if (workspace) put("workspace", workspace.id, workspace.name, "/settings");
  return map;
}

/** The name an entry recorded when it was written, for a resource that is gone (deleted, or a member who left). */
function recordedName(type: string, metadata: Record<string, unknown>): string | null {
  if (typeof metadata.name === "string") return metadata.name;
  if (type === "invitation" && typeof metadata.email === "string") return metadata.email;
  return null;
}

// The workspace's audit log, newest first, filtered; each entry with its actor (user, or the token by name) and what it acted on.
export async function findAuditEvents(opts: { workspaceId: string } & Partial<FindAuditEventsInput>) {
  const filters = findAuditEventsSchema.parse(opts);
  const { skip, take, wrap } = paginate(filters);
  const where = whereOf(opts.workspaceId, filters);
  const [rows, count] = await Promise.all([
    db.auditEvent.findMany({ where, orderBy: [{ createdAt: "desc" }, { id: "desc" }], skip, take }),
    db.auditEvent.count({ where }),
  ]);
  const userIds = [...new Set(rows.map((r) => r.actorUserId).filter((x): x is string => !!x))];
  const tokenIds = [...new Set(rows.map((r) => r.actorTokenId).filter((x): x is string => !!x))];
  const webhookIds = [...new Set(rows.map((r) => r.actorWebhookId).filter((x): x is string => !!x))];
  const [users, tokens, webhooks, targets] = await Promise.all([
    db.user.findMany({ where: { id: { in: userIds } }, select: { id: true, email: true } }),
    db.apiToken.findMany({ where: { workspaceId: opts.workspaceId, id: { in: tokenIds } }, select: { id: true, name: true } }),
    db.webhook.findMany({ where: { workspaceId: opts.workspaceId, id: { in: webhookIds } }, select: { id: true, name: true } }),
    resolveTargets(opts.workspaceId, rows),
  ]);
  const emailById = new Map(users.map((u) => [u.id, u.email]));
  const tokenName = new Map(tokens.map((t) => [t.id, t.name]));
  const webhookName = new Map(webhooks.map((w) => [w.id, w.name]));
  return wrap(
    rows.map((r) => {
      const metadata = (r.metadata ?? {}) as Record<string, unknown>;
      const hit = r.targetId ? targets.get(`${r.targetType}:${r.targetId}`) : undefined;
      const target: AuditTarget = {
        type: r.targetType,
        id: r.targetId,
        name: hit?.name ?? recordedName(r.targetType, metadata),
        href: hit?.href ?? null,
        ...(r.targetType === "deployment"
          ? { parent: hit?.parent ?? (typeof metadata.endpoint === "string" ? metadata.endpoint : null) }
          : {}),
      };
      return {
        ...r,
        actorEmail: r.actorUserId ? (emailById.get(r.actorUserId) ?? null) : null,
        actorTokenName: r.actorTokenId ? (tokenName.get(r.actorTokenId) ?? null) : null,
        actorWebhookName: r.actorWebhookId ? (webhookName.get(r.actorWebhookId) ?? null) : null,
        target,
      };
    }),
    count,
  ) satisfies Page<unknown>;
}

/** The choices of the audit log's filters: the people and tokens that acted, and the actions and resource types recorded. */
export async function findAuditFilterOptions(opts: { workspaceId: string }) {
  const where = { workspaceId: opts.workspaceId };
  const [actions, resources, userIds, tokens, webhooks] = await Promise.all([
    db.auditEvent.findMany({ where, distinct: ["action"], select: { action: true }, orderBy: { action: "asc" } }),
    db.auditEvent.findMany({ where, distinct: ["targetType"], select: { targetType: true }, orderBy: { targetType: "asc" } }),
    db.auditEvent.findMany({ where: { ...where, actorUserId: { not: null } }, distinct: ["actorUserId"], select: { actorUserId: true } }),
    db.apiToken.findMany({ where, select: { id: true, name: true, revokedAt: true }, orderBy: { name: "asc" } }),
    db.webhook.findMany({ where: { ...where, direction: "inbound" }, select: { id: true, name: true }, orderBy: { name: "asc" } }),
  ]);
  const users = await db.user.findMany({
    where: { id: { in: userIds.map((u) => u.actorUserId as string) } },
    select: { id: true, email: true },
    orderBy: { email: "asc" },
  });
  return {
    actions: actions.map((a) => a.action),
    resources: resources.map((r) => r.targetType),
    actors: [
      ...users.map((u) => ({ value: `user:${u.id}`, label: u.email })),
      ...tokens.map((t) => ({ value: `token:${t.id}`, label: `token ${t.name}${t.revokedAt ? " (revoked)" : ""}` })),
      ...webhooks.map((w) => ({ value: `webhook:${w.id}`, label: `inbound webhook ${w.name}` })),
      { value: "system", label: "the system" },
    ],
  };
}
