import type { Metadata } from "next";
import { ButtonLink } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { getSessionUser } from "@/lib/auth/session";
import { getPendingInvitation } from "@/lib/members/accept-invitation";
import { AcceptInvitation } from "./accept-invitation";

export const metadata: Metadata = { title: "Invitation" };
export const dynamic = "force-dynamic";

export default async function InvitePage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const invitation = await getPendingInvitation({ token });
  if (!invitation) {
    return (
      <Card className="p-6">
        <h1 className="text-xl font-semibold">Invitation not valid</h1>
        <p className="mt-2 text-sm text-zinc-500">
          This invitation link is invalid, expired, or was already used. Ask the workspace owner for a new one.
        </p>
      </Card>
    );
  }
  const user = await getSessionUser();
  const self = `/invite/${token}`;
  return (
    <Card className="p-6">
      <h1 className="text-xl font-semibold">Join {invitation.workspace.name}</h1>
      <p className="mt-2 text-sm text-zinc-500">
        You were invited as <strong className="text-zinc-800 dark:text-zinc-200">{invitation.role}</strong> with {invitation.email}.
      </p>
      <div className="mt-6 space-y-3">
        {!user ? (
          <>
            <ButtonLink
              className="w-full"
              href={`/sign-up?email=${encodeURIComponent(invitation.email)}&invitation=${encodeURIComponent(token)}`}
            >
              Create an account and join
            </ButtonLink>
            <ButtonLink className="w-full" variant="secondary" href={`/sign-in?callbackUrl=${encodeURIComponent(self)}`}>
              I have an account: sign in
            </ButtonLink>
          </>
        ) : user.email !== invitation.email ? (
          <p className="text-sm text-red-600" role="alert">
            You are signed in as {user.email}, but this invitation is for {invitation.email}. Sign out and sign in with that email to accept
            it.
          </p>
        ) : (
          <AcceptInvitation token={token} />
        )}
      </div>
    </Card>
  );
}
