import type { Metadata } from "next";
import { Card, CardHeader } from "@/components/ui/card";
import { getPageContext } from "@/lib/auth/page-context";
import { findMembers, findPendingInvitations } from "@/lib/members/find-members";
import { InviteForm } from "./_components/invite-form";
import { InvitationsTable } from "./_components/invitations-table";
import { MembersTable } from "./_components/members-table";

export const metadata: Metadata = { title: "Members" };

export default async function MembersPage({ params }: { params: Promise<{ workspace: string }> }) {
  const { workspace: slug } = await params;
  const ctx = await getPageContext(slug);
  const canManage = ctx.can("member:manage");
  const [members, invitations] = await Promise.all([
    findMembers({ workspaceId: ctx.workspace.id }),
    canManage ? findPendingInvitations({ workspaceId: ctx.workspace.id }) : Promise.resolve([]),
  ]);
  return (
    <div className="space-y-6">
      {canManage ? (
        <Card>
          <CardHeader
            title="Invite a member"
            description="No mail server is needed: you get a link to share. It works once and expires in 7 days."
          />
          <div className="p-5">
            <InviteForm slug={slug} />
          </div>
        </Card>
      ) : null}
      <Card>
        <CardHeader title="Members" description={`${members.length} ${members.length === 1 ? "person" : "people"}`} />
        <MembersTable
          slug={slug}
          canManage={canManage}
          currentUserId={ctx.user.id}
          data={members.map((m) => ({
            id: m.id,
            userId: m.user.id,
            email: m.user.email,
            name: m.user.name,
            role: m.role,
            createdAt: m.createdAt,
          }))}
        />
      </Card>
      {canManage && invitations.length ? (
        <Card>
          <CardHeader title="Pending invitations" />
          <InvitationsTable slug={slug} data={invitations} />
        </Card>
      ) : null}
    </div>
  );
}
