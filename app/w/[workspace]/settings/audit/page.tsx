import type { Metadata } from "next";
import { Card } from "@/components/ui/card";
import { getPageContext, requirePermission } from "@/lib/auth/page-context";
import { findAuditEvents } from "@/lib/audit/find-audit-events";
import { pageParamsSchema } from "@/lib/pagination";
import { parseSearchParams } from "@/lib/search-params";
import { AuditTable } from "./audit-table";

export const metadata: Metadata = { title: "Audit log" };

export default async function AuditPage({
  params,
  searchParams,
}: {
  params: Promise<{ workspace: string }>;
  searchParams: Promise<Record<string, string | string[]>>;
}) {
  const { workspace: slug } = await params;
  const ctx = await getPageContext(slug);
  requirePermission(ctx, "audit:read");
  const query = parseSearchParams(pageParamsSchema, await searchParams);
  const result = await findAuditEvents({ workspaceId: ctx.workspace.id, ...query, perPage: 50 });
  return (
    <Card>
      <AuditTable
        data={result.data.map((e) => ({
          id: e.id,
          action: e.action,
          actor: e.actorEmail ?? (e.actorTokenId ? "API token" : "system"),
          target: `${e.targetType}`,
          details: JSON.stringify(e.metadata),
          createdAt: e.createdAt,
        }))}
        pageInfo={result}
      />
    </Card>
  );
}
