import type { Metadata } from "next";
import Link from "next/link";
import { Badge, Card, CardHeader, EmptyState } from "@/components/ui/card";
import { formatDateTime } from "@/components/ui/format";
import { getPageContext, orNotFound } from "@/lib/auth/page-context";
import { findWebhookDeliveries, getWebhookOrThrow } from "@/lib/webhooks/find-webhooks";
import { Forbidden } from "@/app/w/[workspace]/_components/forbidden";

export const metadata: Metadata = { title: "Webhook deliveries" };

const tone = (s: string) =>
  (s === "delivered" || s === "accepted" ? "green" : s === "failed" || s === "rejected" ? "red" : "gray") as "green" | "red" | "gray";

export default async function WebhookPage({ params }: { params: Promise<{ workspace: string; webhook: string }> }) {
  const { workspace: slug, webhook: id } = await params;
  const ctx = await getPageContext(slug);
  if (!ctx.can("webhook:read")) return <Forbidden ctx={ctx} permission="webhook:read" nested />;
  const webhook = await orNotFound(getWebhookOrThrow({ workspaceId: ctx.workspace.id, id }));
  const deliveries = await findWebhookDeliveries({ workspaceId: ctx.workspace.id, webhookId: id, perPage: 100 });
  return (
    <Card>
      <CardHeader
        title={`${webhook.name} · ${webhook.direction}`}
        description={
          webhook.direction === "inbound"
            ? `Starts jobs on endpoint ${webhook.endpointName}. URL path: ${webhook.hookPath}`
            : `Delivers ${webhook.events.join(", ")} to ${webhook.url}`
        }
      />
      {deliveries.data.length ? (
        <ul className="divide-y divide-zinc-100 text-sm dark:divide-zinc-800" aria-label="Deliveries">
          {deliveries.data.map((d) => (
            <li key={d.id} className="space-y-1 px-5 py-3">
              <div className="flex flex-wrap items-center gap-2">
                <Badge tone={tone(d.status)}>{d.status}</Badge>
                <span className="font-mono text-xs">{d.eventType}</span>
                <span className="text-zinc-500">{formatDateTime(d.createdAt)}</span>
                <span className="text-zinc-500">attempts: {d.attempts}</span>
                {d.responseStatus ? <span className="text-zinc-500">HTTP {d.responseStatus}</span> : null}
                {d.jobName ? (
                  <Link className="text-brand-600 hover:underline" href={`/w/${slug}/jobs/${d.jobName}`}>
                    {d.jobName}
                  </Link>
                ) : null}
              </div>
              {d.error ? <p className="text-red-600">{d.error}</p> : null}
              {d.responseBody ? (
                <pre
                  tabIndex={0}
                  aria-label="Response body"
                  className="max-h-24 overflow-auto rounded bg-zinc-50 p-2 font-mono text-xs dark:bg-zinc-900"
                >
                  {d.responseBody}
                </pre>
              ) : null}
            </li>
          ))}
        </ul>
      ) : (
        <EmptyState title="No deliveries yet">
          {webhook.direction === "inbound"
            ? "Signed requests to the trigger URL, accepted or rejected, appear here."
            : "Deliveries appear when a job of this workspace finishes."}
        </EmptyState>
      )}
    </Card>
  );
}
