"use client";

import { signIn } from "next-auth/react";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { safeCallbackPath } from "@/lib/auth/safe-callback";
import { FormMessage } from "@/components/forms/form-message";
import { Button } from "@/components/ui/button";
import { TextField } from "@/components/ui/field";

export function SignInForm({
  callbackUrl,
  providers,
  initialError,
}: {
  callbackUrl: string;
  providers: { id: string; name: string }[];
  initialError?: string;
}) {
  const router = useRouter();
  const [error, setError] = useState<string | undefined>(initialError);
  const [pending, setPending] = useState(false);

  return (
    <div className="space-y-5">
      <form
        className="space-y-4"
        onSubmit={async (e) => {
          e.preventDefault();
          setPending(true);
          setError(undefined);
          const form = new FormData(e.currentTarget);
          const res = await signIn("credentials", { email: form.get("email"), password: form.get("password"), redirect: false });
          setPending(false);
          if (!res || res.error) {
            setError(res?.error && res.error !== "CredentialsSignin" ? res.error : "Email or password is incorrect.");
            return;
          }
          router.push(safeCallbackPath(callbackUrl));
          router.refresh();
        }}
      >
        <FormMessage message={error} />
        <TextField label="Email" name="email" type="email" autoComplete="email" required autoFocus />
        <TextField label="Password" name="password" type="password" autoComplete="current-password" required />
        <Button type="submit" className="w-full" disabled={pending}>
          {pending ? "Signing in…" : "Sign in"}
        </Button>
      </form>
      {providers.length ? (
        <div className="space-y-2 border-t border-zinc-200 pt-5 dark:border-zinc-800">
          {providers.map((p) => (
            <Button
              key={p.id}
              variant="secondary"
              className="w-full"
              onClick={() => signIn(p.id, { callbackUrl: safeCallbackPath(callbackUrl) })}
            >
              Continue with {p.name}
            </Button>
          ))}
        </div>
      ) : null}
    </div>
  );
}
