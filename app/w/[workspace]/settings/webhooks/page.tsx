import type { Metadata } from "next";
import { Card, CardHeader } from "@/components/ui/card";
import { getPageContext, requirePermission } from "@/lib/auth/page-context";
import { findEndpoints } from "@/lib/endpoints/find-endpoints";
import { findWebhooks } from "@/lib/webhooks/find-webhooks";
import { WebhookForm } from "./_components/webhook-form";
import { WebhooksTable } from "./_components/webhooks-table";

export const metadata: Metadata = { title: "Webhooks" };

export default async function WebhooksPage({ params }: { params: Promise<{ workspace: string }> }) {
  const { workspace: slug } = await params;
  const ctx = await getPageContext(slug);
  requirePermission(ctx, "webhook:read");
  const [webhooks, endpoints] = await Promise.all([
    findWebhooks({ workspaceId: ctx.workspace.id, perPage: 200 }),
    findEndpoints({ workspaceId: ctx.workspace.id, perPage: 200 }),
  ]);
  return (
    <div className="space-y-6">
      {ctx.can("webhook:manage") ? (
        <Card>
          <CardHeader
            title="Add a webhook"
            description="Inbound: a signed POST (or Azure Event Grid BlobCreated) starts a job. Outbound: job.completed, job.failed and job.canceled are POSTed to your URL, signed."
          />
          <div className="p-5">
            <WebhookForm
              slug={slug}
              endpoints={endpoints.data.map((e) => ({
                name: e.name,
                defaultDeployment: e.defaultDeployment,
                deployments: e.deploymentNames,
              }))}
            />
          </div>
        </Card>
      ) : null}
      <Card>
        <CardHeader title="Webhooks" description="Open one to see its deliveries and the responses." />
        <WebhooksTable
          slug={slug}
          canManage={ctx.can("webhook:manage")}
          data={webhooks.data.map((w) => ({
            id: w.id,
            name: w.name,
            direction: w.direction,
            target:
              w.direction === "inbound" ? `endpoint ${w.endpointName}${w.deploymentName ? ` / ${w.deploymentName}` : ""}` : (w.url ?? ""),
            events: w.events.join(", "),
            createdAt: w.createdAt,
          }))}
        />
      </Card>
    </div>
  );
}
