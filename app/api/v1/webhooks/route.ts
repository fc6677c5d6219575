import { json, queryOf } from "@/lib/api/respond";
import { strictJsonBody } from "@/lib/api/strict-body";
import { invokeJobSchema } from "@/lib/jobs/invoke-job";
import { withApiAuth } from "@/lib/api/with-api-auth";
import { createWebhook, createWebhookSchema, type CreateWebhookInput } from "@/lib/webhooks/create-webhook";
import { findWebhooks, findWebhooksSchema } from "@/lib/webhooks/find-webhooks";
import { withHookUrl } from "@/lib/webhooks/public-url";

export const GET = withApiAuth("webhook:read", async ({ principal, request }) => {
  const page = await findWebhooks({ workspaceId: principal.workspace.id, ...queryOf(findWebhooksSchema, request) });
  return json({ ...page, data: page.data.map((w) => withHookUrl(w, request)) });
});

// Creates an inbound trigger or an outbound subscription; the secret is in this answer only.
export const POST = withApiAuth("webhook:manage", async ({ principal, request }) => {
  const { webhook, secret } = await createWebhook({
    workspaceId: principal.workspace.id,
    actor: { tokenId: principal.tokenId },
    input: await strictJsonBody<CreateWebhookInput>(request, createWebhookSchema, { template: invokeJobSchema }),
  });
  return json({ ...withHookUrl(webhook, request), secret }, 201);
});
