import { withApiAuth } from "@/lib/api/with-api-auth";
import { json } from "@/lib/api/respond";
import { findMembers } from "@/lib/members/find-members";

export const GET = withApiAuth("member:read", async ({ principal }) => {
  const members = await findMembers({ workspaceId: principal.workspace.id });
  return json({ data: members.map((m) => ({ email: m.user.email, name: m.user.name, role: m.role, joinedAt: m.createdAt })) });
});
