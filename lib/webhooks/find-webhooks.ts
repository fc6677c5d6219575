import "server-only";
import { z } from "zod";
import { recordAuditEvent, type Actor } from "@/lib/audit/record-audit-event";
import { db, type Prisma } from "@/lib/db";
import { notFound } from "@/lib/errors";
import { paginate, pageParamsSchema } from "@/lib/pagination";
import { serializePayload } from "./deliver-webhook";
import type { JobEventPayload } from "./job-notifications";
import type { TestEventPayload } from "./redeliver-webhook";
import { hookPath } from "./webhook-types";

/** What callers see of a webhook: never its secret. */
export const webhookSelect = {
  id: true,
  name: true,
  direction: true,
  deploymentName: true,
  template: true,
  url: true,
  events: true,
  enabled: true,
  createdAt: true,
  updatedAt: true,
  endpoint: { select: { name: true } },
} as const satisfies Prisma.WebhookSelect;

type WebhookRow = Prisma.WebhookGetPayload<{ select: typeof webhookSelect }>;

/** One shape for both directions: fields of the other direction are null or empty. */
export function toPublicWebhook(row: WebhookRow) {
  const { endpoint, ...rest } = row;
  if (row.direction === "inbound") {
    return { ...rest, endpointName: endpoint?.name ?? null, hookPath: hookPath(row.id), url: null, events: [] as string[] };
  }
  return { ...rest, endpointName: null, hookPath: null, template: null, deploymentName: null };
}
export type PublicWebhook = ReturnType<typeof toPublicWebhook>;

export const findWebhooksSchema = pageParamsSchema.extend({
  direction: z.enum(["inbound", "outbound"]).optional(),
});
export type FindWebhooksInput = z.infer<typeof findWebhooksSchema>;

// Webhooks of the workspace, newest first.
export async function findWebhooks(opts: { workspaceId: string } & Partial<FindWebhooksInput>) {
  const { page, perPage, direction } = findWebhooksSchema.parse(opts);
  const { skip, take, wrap } = paginate({ page, perPage });
  const where: Prisma.WebhookWhereInput = { workspaceId: opts.workspaceId, ...(direction ? { direction } : {}) };
  const [rows, count] = await Promise.all([
    db.webhook.findMany({ where, orderBy: { createdAt: "desc" }, skip, take, select: webhookSelect }),
    db.webhook.count({ where }),
  ]);
  return wrap(rows.map(toPublicWebhook), count);
}

export async function getWebhookOrThrow(opts: { workspaceId: string; id: string }) {
  const row = await db.webhook.findFirst({ where: { workspaceId: opts.workspaceId, id: opts.id }, select: webhookSelect });
  if (!row) throw notFound("Webhook");
  return toPublicWebhook(row);
}

// Deletes a webhook and its delivery history; inbound URLs stop working at once.
export async function deleteWebhook(opts: { workspaceId: string; actor: Actor; id: string }) {
  const row = await db.webhook.findFirst({ where: { workspaceId: opts.workspaceId, id: opts.id }, select: { name: true } });
  const res = await db.webhook.deleteMany({ where: { workspaceId: opts.workspaceId, id: opts.id } });
  if (res.count === 0) throw notFound("Webhook");
  await recordAuditEvent({
    workspaceId: opts.workspaceId,
    actor: opts.actor,
    action: "webhook.deleted",
    targetType: "webhook",
    targetId: opts.id,
    metadata: { name: row?.name ?? null },
  });
}

export const findWebhookDeliveriesSchema = pageParamsSchema.extend({
  status: z.enum(["pending", "delivered", "failed", "rejected", "accepted", "ignored"]).optional(),
});
export type FindWebhookDeliveriesInput = z.infer<typeof findWebhookDeliveriesSchema>;

// A webhook's deliveries, newest first: what was received or sent, the response, attempts and errors.
export async function findWebhookDeliveries(opts: { workspaceId: string; webhookId: string } & Partial<FindWebhookDeliveriesInput>) {
  const webhook = await getWebhookOrThrow({ workspaceId: opts.workspaceId, id: opts.webhookId });
  const { page, perPage, status } = findWebhookDeliveriesSchema.parse(opts);
  const { skip, take, wrap } = paginate({ page, perPage });
  const where: Prisma.WebhookDeliveryWhereInput = { workspaceId: opts.workspaceId, webhookId: webhook.id, ...(status ? { status } : {}) };
  const [rows, count] = await Promise.all([
    db.webhookDelivery.findMany({
      where,
      orderBy: { createdAt: "desc" },
      skip,
      take,
      select: {
        id: true,
        eventId: true,
        eventType: true,
        status: true,
        attempts: true,
        responseStatus: true,
        responseBody: true,
        error: true,
        jobId: true,
        payload: true,
        sequence: true,
        redeliveryOfId: true,
        requestBody: true,
        requestBytes: true,
        requestHeaders: true,
        createdAt: true,
        updatedAt: true,
      },
    }),
    db.webhookDelivery.count({ where }),
  ]);
  const jobIds = rows.flatMap((r) => (r.jobId ? [r.jobId] : []));
  const jobs = jobIds.length
    ? await db.job.findMany({ where: { workspaceId: opts.workspaceId, id: { in: jobIds } }, select: { id: true, name: true } })
    : [];
  const jobName = new Map(jobs.map((j) => [j.id, j.name]));
  return wrap(
    rows.map(({ payload, requestBody, requestBytes, requestHeaders, ...r }) => {
      // Outbound: the exact bytes sent. Inbound: the request received, credentials masked, its first 64 KiB.
      const body = payload ? serializePayload(payload as unknown as JobEventPayload | TestEventPayload) : requestBody;
      return {
        ...r,
        jobName: r.jobId ? (jobName.get(r.jobId) ?? null) : null,
        body,
        bodyBytes: payload && body !== null ? Buffer.byteLength(body) : requestBytes,
        requestHeaders: (requestHeaders as Record<string, string> | null) ?? null,
      };
    }),
    count,
  );
}
