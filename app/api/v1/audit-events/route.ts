import { withApiAuth } from "@/lib/api/with-api-auth";
import { json, queryOf } from "@/lib/api/respond";
import { findAuditEvents } from "@/lib/audit/find-audit-events";
import { pageParamsSchema } from "@/lib/pagination";

export const GET = withApiAuth("audit:read", async ({ principal, request }) =>
  json(await findAuditEvents({ workspaceId: principal.workspace.id, ...queryOf(pageParamsSchema, request) })),
);
