import { withApiAuth } from "@/lib/api/with-api-auth";
import { json, queryOf } from "@/lib/api/respond";
import { findAuditEvents, findAuditEventsSchema } from "@/lib/audit/find-audit-events";

export const GET = withApiAuth("audit:read", async ({ principal, request }) =>
  json(await findAuditEvents({ workspaceId: principal.workspace.id, ...queryOf(findAuditEventsSchema, request) })),
);
