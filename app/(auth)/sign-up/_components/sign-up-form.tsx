"use client";

import { signIn } from "next-auth/react";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { FormMessage } from "@/components/forms/form-message";
import { formToObject, useAction, useFormErrors } from "@/components/forms/use-form-action";
import { Button } from "@/components/ui/button";
import { TextField } from "@/components/ui/field";
import { signUpAction } from "../../actions";

export function SignUpForm({ defaultEmail, invitation }: { defaultEmail?: string; invitation?: string }) {
  const router = useRouter();
  const [password, setPassword] = useState("");
  const { execute, result, isPending } = useAction(signUpAction, {
    async onSuccess({ data }) {
      if (!data) return;
      await signIn("credentials", { email: data.email, password, redirect: false });
      router.push(`/w/${data.workspaceSlug}/endpoints`);
      router.refresh();
    },
  });
  const { fieldErrors, message } = useFormErrors(result);

  return (
    <form
      className="space-y-4"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        const values = formToObject(e.currentTarget) as { name: string; email: string; password: string };
        setPassword(values.password);
        execute({ ...values, invitation });
      }}
    >
      <FormMessage message={message} />
      <TextField label="Name" name="name" autoComplete="name" required errors={fieldErrors.name} />
      <TextField
        label="Email"
        name="email"
        type="email"
        autoComplete="email"
        defaultValue={defaultEmail}
        required
        errors={fieldErrors.email}
      />
      <TextField
        label="Password"
        name="password"
        type="password"
        autoComplete="new-password"
        required
        hint="At least 8 characters."
        errors={fieldErrors.password}
      />
      <Button type="submit" className="w-full" disabled={isPending}>
        {isPending ? "Creating account…" : "Create account"}
      </Button>
    </form>
  );
}
