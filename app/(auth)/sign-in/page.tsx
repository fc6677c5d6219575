import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";
import { Card } from "@/components/ui/card";
import { enabledExternalProviders } from "@/lib/auth/options";
import { safeCallbackPath } from "@/lib/auth/safe-callback";
import { getSessionUser } from "@/lib/auth/session";
import { SIGNUP_CLOSED_MESSAGE, SIGNUP_INVITE_ONLY_MESSAGE, signUpPageState } from "@/lib/users/signup-policy";
import { SignInForm } from "./_components/sign-in-form";

export const metadata: Metadata = { title: "Sign in" };
export const dynamic = "force-dynamic";

const OAUTH_ERRORS: Record<string, string> = {
  OAuthAccountNotLinked: "This email is linked to another sign-in method.",
  EmailRequired: "Your provider did not share an email address; Batchpoint needs one.",
  OAuthCallback: "The sign-in provider returned an error. Try again.",
  SignupClosed: SIGNUP_CLOSED_MESSAGE,
  SignupInviteOnly: SIGNUP_INVITE_ONLY_MESSAGE,
};

export default async function SignInPage({ searchParams }: { searchParams: Promise<{ callbackUrl?: string; error?: string }> }) {
  const { callbackUrl, error } = await searchParams;
  const safeCallback = safeCallbackPath(callbackUrl);
  if (await getSessionUser()) redirect(safeCallback);
  const signUpOffered = (await signUpPageState({})).form;
  return (
    <Card className="p-6">
      <h1 className="text-xl font-semibold">Sign in</h1>
      <p className="mt-1 text-sm text-zinc-500">Welcome back to Batchpoint.</p>
      <div className="mt-6">
        <SignInForm
          callbackUrl={safeCallback}
          providers={enabledExternalProviders()}
          initialError={error ? (OAUTH_ERRORS[error] ?? undefined) : undefined}
        />
      </div>
      {signUpOffered ? (
        <p className="mt-6 text-center text-sm text-zinc-500">
          New here?{" "}
          <Link
            className="font-medium text-brand-600 hover:underline"
            href={`/sign-up${callbackUrl ? `?callbackUrl=${encodeURIComponent(safeCallback)}` : ""}`}
          >
            Create an account
          </Link>
        </p>
      ) : null}
    </Card>
  );
}
