import type { Metadata } from "next";
import Link from "next/link";
import { Card } from "@/components/ui/card";
import { signUpPageState } from "@/lib/users/signup-policy";
import { SignUpForm } from "./_components/sign-up-form";

export const metadata: Metadata = { title: "Create an account" };
export const dynamic = "force-dynamic";

export default async function SignUpPage({ searchParams }: { searchParams: Promise<{ email?: string; invitation?: string }> }) {
  const { email, invitation } = await searchParams;
  const state = await signUpPageState({ invitation });
  if (!state.form) {
    return (
      <Card className="p-6">
        <h1 className="text-xl font-semibold">Create your account</h1>
        <p role="status" className="mt-3 text-sm text-zinc-700 dark:text-zinc-300">
          {state.message}
        </p>
        <p className="mt-6 text-center text-sm text-zinc-500">
          Have an account?{" "}
          <Link className="font-medium text-brand-600 hover:underline" href="/sign-in">
            Sign in
          </Link>
        </p>
      </Card>
    );
  }
  return (
    <Card className="p-6">
      <h1 className="text-xl font-semibold">Create your account</h1>
      <p className="mt-1 text-sm text-zinc-500">
        {invitation ? "You will join the workspace you were invited to." : "You get a personal workspace to run batch jobs in."}
      </p>
      <div className="mt-6">
        <SignUpForm defaultEmail={email} invitation={invitation} />
      </div>
      <p className="mt-6 text-center text-sm text-zinc-500">
        Have an account?{" "}
        <Link
          className="font-medium text-brand-600 hover:underline"
          href={invitation ? `/sign-in?callbackUrl=${encodeURIComponent(`/invite/${invitation}`)}` : "/sign-in"}
        >
          Sign in
        </Link>
      </p>
    </Card>
  );
}
