import { z } from "zod";
import { json } from "@/lib/api/respond";
import { strictJsonBody } from "@/lib/api/strict-body";
import { withApiAuth } from "@/lib/api/with-api-auth";
import { sendWebhookTestEvent } from "@/lib/webhooks/redeliver-webhook";

/** The body takes nothing (an empty body or `{}`): an unknown field is a 400, not ignored. */
const sendTestSchema = z.strictObject({});

// Sends a signed webhook.test event to an outbound webhook now; answers with the new delivery (pending).
export const POST = withApiAuth<{ webhook: string }>("webhook:manage", async ({ principal, params, request }) => {
  await strictJsonBody(request, sendTestSchema);
  const delivery = await sendWebhookTestEvent({
    workspaceId: principal.workspace.id,
    actor: { tokenId: principal.tokenId },
    webhookId: params.webhook,
  });
  return json(delivery, 202);
});
