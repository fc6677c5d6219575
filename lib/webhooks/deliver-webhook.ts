import "server-only";
import { decryptSecret } from "@/lib/crypto/secret-box";
import { db } from "@/lib/db";
import type { JobEventPayload } from "./job-notifications";
import type { TestEventPayload } from "./redeliver-webhook";
import { EgressRefusedError, postToPublicUrl } from "./egress";
import { signPayload } from "./signature";

const RESPONSE_BODY_LIMIT = 2048;
const TIMEOUT_MS = 10_000;

/** The exact bytes sent: keys in a fixed order (JSONB does not keep the order they were stored in). */
export function serializePayload(p: JobEventPayload | TestEventPayload): string {
  if (p.type === "webhook.test") {
    return JSON.stringify({
      id: p.id,
      type: p.type,
      created_at: p.created_at,
      data: { webhook: { id: p.data.webhook.id, name: p.data.webhook.name }, message: p.data.message },
    });
  }
  const j = p.data.job;
  return JSON.stringify({
    id: p.id,
    type: p.type,
    created_at: p.created_at,
    data: {
      job: {
        name: j.name,
        status: j.status,
        endpoint: j.endpoint,
        deployment: j.deployment,
        counts: j.counts,
        output: j.output,
        error: j.error,
      },
    },
  });
}

export class DeliveryFailedError extends Error {}

/**
 * POSTs one outbound delivery, signed with the webhook's secret, and records the attempt (status,
 * first 2 KB of the response, error). Throws DeliveryFailedError to ask for a retry while attempts
 * remain; on the last attempt it records the delivery as failed instead. Redirects are not followed,
 * and only public addresses are reached (see ./egress).
 */
export async function deliverWebhook(opts: { workspaceId: string; deliveryId: string; attempt: number; maxAttempts: number }) {
  const where = { workspaceId: opts.workspaceId, id: opts.deliveryId };
  const delivery = await db.webhookDelivery.findFirst({
    where,
    select: {
      eventId: true,
      eventType: true,
      status: true,
      payload: true,
      webhook: { select: { url: true, enabled: true, secretCiphertext: true } },
    },
  });
  if (!delivery || !delivery.payload || !delivery.webhook.url) return { status: "missing" as const };
  if (delivery.status === "delivered") return { status: "delivered" as const };
  if (!delivery.webhook.enabled) {
    await db.webhookDelivery.updateMany({ where, data: { status: "failed", error: "The webhook is disabled." } });
    return { status: "failed" as const };
  }
  const body = serializePayload(delivery.payload as unknown as JobEventPayload | TestEventPayload);
  const signature = signPayload({ secret: decryptSecret(delivery.webhook.secretCiphertext), body });
  let responseStatus: number | null = null;
  let responseBody: string | null = null;
  let error: string | null = null;
  let refused = false; // a refused address stays refused: no retries
  try {
    const res = await postToPublicUrl(delivery.webhook.url, {
      timeoutMs: TIMEOUT_MS,
      bodyLimit: RESPONSE_BODY_LIMIT,
      headers: {
        "content-type": "application/json",
        "user-agent": "Batchpoint-Webhooks/1",
        "batchpoint-signature": signature,
        "batchpoint-event-id": delivery.eventId,
        "batchpoint-event-type": delivery.eventType,
        "batchpoint-delivery-attempt": String(opts.attempt + 1),
      },
      body,
    });
    responseStatus = res.status;
    responseBody = res.bodyStart;
    if (res.status < 200 || res.status >= 300) error = `The receiver answered ${res.status}.`;
  } catch (e) {
    const err = e as Error;
    refused = err instanceof EgressRefusedError;
    error =
      err.name === "TimeoutError"
        ? `No answer within ${TIMEOUT_MS / 1000} s.`
        : err instanceof EgressRefusedError
          ? `Not sent: ${err.message}`
          : `Could not reach the receiver: ${err.message}`;
  }
  const last = opts.attempt + 1 >= opts.maxAttempts;
  const status = error === null ? "delivered" : last || refused ? "failed" : "pending";
  await db.webhookDelivery.updateMany({ where, data: { status, attempts: { increment: 1 }, responseStatus, responseBody, error } });
  if (status === "pending") throw new DeliveryFailedError(error ?? "delivery failed");
  return { status, responseStatus };
}
