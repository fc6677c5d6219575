import { withApiAuth } from "@/lib/api/with-api-auth";
import { json } from "@/lib/api/respond";

// The workspace and role of the calling token.
export const GET = withApiAuth("workspace:read", async ({ principal }) => json({ workspace: principal.workspace, role: principal.role }));
