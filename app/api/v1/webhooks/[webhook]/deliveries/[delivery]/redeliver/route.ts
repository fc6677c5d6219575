import { z } from "zod";
import { json } from "@/lib/api/respond";
import { strictJsonBody } from "@/lib/api/strict-body";
import { withApiAuth } from "@/lib/api/with-api-auth";
import { redeliverWebhookDelivery } from "@/lib/webhooks/redeliver-webhook";

/** The body takes nothing (an empty body or `{}`): an unknown field is a 400, not ignored. */
const redeliverSchema = z.strictObject({});

// Sends an outbound delivery again (same event id and body, freshly signed); answers with the new delivery.
export const POST = withApiAuth<{ webhook: string; delivery: string }>("webhook:manage", async ({ principal, params, request }) => {
  await strictJsonBody(request, redeliverSchema);
  const delivery = await redeliverWebhookDelivery({
    workspaceId: principal.workspace.id,
    actor: { tokenId: principal.tokenId },
    webhookId: params.webhook,
    deliveryId: params.delivery,
  });
  return json(delivery, 202);
});
