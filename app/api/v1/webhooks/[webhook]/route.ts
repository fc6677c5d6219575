import { json } from "@/lib/api/respond";
import { withApiAuth } from "@/lib/api/with-api-auth";
import { deleteWebhook, getWebhookOrThrow } from "@/lib/webhooks/find-webhooks";
import { withHookUrl } from "@/lib/webhooks/public-url";

export const GET = withApiAuth<{ webhook: string }>("webhook:read", async ({ principal, params, request }) =>
  json(withHookUrl(await getWebhookOrThrow({ workspaceId: principal.workspace.id, id: params.webhook }), request)),
);

export const DELETE = withApiAuth<{ webhook: string }>("webhook:manage", async ({ principal, params }) => {
  await deleteWebhook({ workspaceId: principal.workspace.id, actor: { tokenId: principal.tokenId }, id: params.webhook });
  return new Response(null, { status: 204 });
});
