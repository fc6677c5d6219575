import "server-only";
import { randomBytes } from "node:crypto";
import { recordAuditEvent, type Actor } from "@/lib/audit/record-audit-event";
import { db, type Prisma } from "@/lib/db";
import { AppError, notFound } from "@/lib/errors";
import { inngest } from "@/lib/events/client";
import { plain, webhookDeliveryEventId, webhookDeliveryRequested } from "@/lib/events/jobs";

/** The body of a "send test event" delivery: says which webhook it tests, and nothing about any job. */
export interface TestEventPayload {
  id: string;
  type: "webhook.test";
  created_at: number;
  data: { webhook: { id: string; name: string }; message: string };
}

async function outboundWebhookOrThrow(opts: { workspaceId: string; webhookId: string }) {
  const webhook = await db.webhook.findFirst({
    where: { workspaceId: opts.workspaceId, id: opts.webhookId },
    select: { id: true, name: true, direction: true },
  });
  if (!webhook) throw notFound("Webhook");
  if (webhook.direction !== "outbound") {
    throw new AppError("BAD_REQUEST", "Only outbound webhooks send events; an inbound trigger receives them.");
  }
  return webhook;
}

async function requestDelivery(workspaceId: string, deliveryId: string) {
  await inngest.send(plain(webhookDeliveryRequested.create({ deliveryId, workspaceId }, { id: webhookDeliveryEventId(deliveryId) })));
}

const deliverySelect = { id: true, eventId: true, eventType: true, status: true, sequence: true, createdAt: true } as const;

/**
 * Sends an outbound delivery again as a new delivery of the same event: the same event id and the
 * same body (receivers deduplicate on the id), freshly signed, through deliver-webhook with its retries.
 */
export async function redeliverWebhookDelivery(opts: { workspaceId: string; actor: Actor; webhookId: string; deliveryId: string }) {
  const webhook = await outboundWebhookOrThrow(opts);
  const original = await db.webhookDelivery.findFirst({
    where: { workspaceId: opts.workspaceId, webhookId: webhook.id, id: opts.deliveryId },
    select: { id: true, eventId: true, eventType: true, jobId: true, payload: true, redeliveryOfId: true },
  });
  if (!original) throw notFound("Delivery");
  if (!original.payload) throw new AppError("BAD_REQUEST", "This delivery has no stored body to send again.");
  let created: { id: string; eventId: string; eventType: string; status: string; sequence: number; createdAt: Date } | null = null;
  // Two redeliveries at once both read the same last sequence; the unique (webhook, event, sequence) lets one win, the other retries.
  for (let tries = 0; !created; tries++) {
    const last = await db.webhookDelivery.findFirst({
      where: { workspaceId: opts.workspaceId, webhookId: webhook.id, eventId: original.eventId },
      orderBy: { sequence: "desc" },
      select: { sequence: true },
    });
    try {
      created = await db.webhookDelivery.create({
        data: {
          workspaceId: opts.workspaceId,
          webhookId: webhook.id,
          eventId: original.eventId,
          eventType: original.eventType,
          status: "pending",
          jobId: original.jobId,
          payload: original.payload as Prisma.InputJsonValue,
          sequence: (last?.sequence ?? 0) + 1,
          redeliveryOfId: original.redeliveryOfId ?? original.id,
        },
        select: deliverySelect,
      });
    } catch (e) {
      if ((e as { code?: string }).code !== "P2002" || tries >= 5) throw e;
    }
  }
  await recordAuditEvent({
    workspaceId: opts.workspaceId,
    actor: opts.actor,
    action: "webhook.redelivered",
    targetType: "webhook",
    targetId: webhook.id,
    metadata: { name: webhook.name, eventId: original.eventId, eventType: original.eventType },
  });
  await requestDelivery(opts.workspaceId, created.id);
  return created;
}

/** Sends a signed `webhook.test` event to an outbound webhook, so its receiver can be checked without running a job. */
export async function sendWebhookTestEvent(opts: { workspaceId: string; actor: Actor; webhookId: string }) {
  const webhook = await outboundWebhookOrThrow(opts);
  const eventId = `evt_test_${randomBytes(12).toString("hex")}`;
  const payload: TestEventPayload = {
    id: eventId,
    type: "webhook.test",
    created_at: Math.floor(Date.now() / 1000),
    data: { webhook: { id: webhook.id, name: webhook.name }, message: "A test event from Batchpoint: no job is involved." },
  };
  const created = await db.webhookDelivery.create({
    data: {
      workspaceId: opts.workspaceId,
      webhookId: webhook.id,
      eventId,
      eventType: payload.type,
      status: "pending",
      payload: payload as unknown as Prisma.InputJsonValue,
    },
    select: deliverySelect,
  });
  await recordAuditEvent({
    workspaceId: opts.workspaceId,
    actor: opts.actor,
    action: "webhook.test_sent",
    targetType: "webhook",
    targetId: webhook.id,
    metadata: { name: webhook.name, eventId },
  });
  await requestDelivery(opts.workspaceId, created.id);
  return created;
}
