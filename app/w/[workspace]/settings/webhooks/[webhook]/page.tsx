import type { Metadata } from "next";
import { LiveRefresh } from "@/app/w/[workspace]/jobs/[job]/_components/live-refresh";
import { Badge, Card, CardHeader } from "@/components/ui/card";
import { getPageContext, orNotFound, requirePermission } from "@/lib/auth/page-context";
import { parseSearchParams } from "@/lib/search-params";
import { findWebhookDeliveries, findWebhookDeliveriesSchema, getWebhookOrThrow } from "@/lib/webhooks/find-webhooks";
import { DeliveriesTable, SendTestButton } from "./_components/deliveries-table";

export const metadata: Metadata = { title: "Webhook deliveries" };

export default async function WebhookPage({
  params,
  searchParams,
}: {
  params: Promise<{ workspace: string; webhook: string }>;
  searchParams: Promise<Record<string, string | string[]>>;
}) {
  const { workspace: slug, webhook: id } = await params;
  const ctx = await getPageContext(slug);
  requirePermission(ctx, "webhook:read");
  const webhook = await orNotFound(getWebhookOrThrow({ workspaceId: ctx.workspace.id, id }));
  const query = parseSearchParams(findWebhookDeliveriesSchema, await searchParams);
  const deliveries = await findWebhookDeliveries({ workspaceId: ctx.workspace.id, webhookId: id, ...query });
  const outbound = webhook.direction === "outbound";
  const canManage = ctx.can("webhook:manage");
  return (
    <Card>
      <CardHeader
        title={`${webhook.name} · ${webhook.direction}`}
        description={
          outbound
            ? `Delivers ${webhook.events.join(", ")} to ${webhook.url}`
            : `Starts jobs on endpoint ${webhook.endpointName}${webhook.deploymentName ? `, deployment ${webhook.deploymentName}` : ""}. URL path: ${webhook.hookPath}`
        }
        actions={
          <div className="flex items-center gap-3">
            <LiveRefresh active={deliveries.data.some((d) => d.status === "pending")} />
            {!webhook.enabled ? <Badge tone="gray">disabled</Badge> : null}
            {outbound && canManage ? <SendTestButton slug={slug} webhookId={id} /> : null}
          </div>
        }
      />
      <DeliveriesTable
        slug={slug}
        webhookId={id}
        outbound={outbound}
        canManage={canManage}
        pageInfo={deliveries}
        data={deliveries.data}
        empty={
          outbound
            ? "Deliveries appear when a job of this workspace finishes, or when you send a test event."
            : "Signed requests to the trigger URL, accepted or rejected, appear here."
        }
      />
    </Card>
  );
}
