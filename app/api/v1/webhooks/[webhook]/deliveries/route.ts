import { json, queryOf } from "@/lib/api/respond";
import { withApiAuth } from "@/lib/api/with-api-auth";
import { findWebhookDeliveries, findWebhookDeliveriesSchema } from "@/lib/webhooks/find-webhooks";

export const GET = withApiAuth<{ webhook: string }>("webhook:read", async ({ principal, params, request }) =>
  json(
    await findWebhookDeliveries({
      workspaceId: principal.workspace.id,
      webhookId: params.webhook,
      ...queryOf(findWebhookDeliveriesSchema, request),
    }),
  ),
);
