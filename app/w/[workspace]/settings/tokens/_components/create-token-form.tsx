"use client";

import { useState } from "react";
import { FormMessage } from "@/components/forms/form-message";
import { formToObject, useAction, useFormErrors } from "@/components/forms/use-form-action";
import { Button } from "@/components/ui/button";
import { CopyButton } from "@/components/ui/copy-button";
import { RoleSelect } from "@/components/forms/role-select";
import { TextField } from "@/components/ui/field";
import { createApiTokenAction } from "../../actions";

export function CreateTokenForm({ slug }: { slug: string }) {
  const [created, setCreated] = useState<{ token: string; name: string } | null>(null);
  const { execute, result, isPending } = useAction(createApiTokenAction, {
    onSuccess({ data }) {
      if (data) setCreated(data);
    },
  });
  const { fieldErrors, message } = useFormErrors(result);
  return (
    <div className="space-y-4">
      <form
        className="grid gap-4 sm:grid-cols-[1fr_12rem_auto] sm:items-start"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          setCreated(null);
          execute({ ...(formToObject(e.currentTarget) as { name: string; role: "reader" }), workspace: slug });
          e.currentTarget.reset();
        }}
      >
        <TextField label="Token name" name="name" placeholder="nightly-scoring-pipeline" errors={fieldErrors.name} />
        <RoleSelect errors={fieldErrors.role} />
        <Button type="submit" className="sm:mt-6" disabled={isPending}>
          {isPending ? "Creating…" : "Create token"}
        </Button>
      </form>
      <FormMessage message={message} />
      {created ? (
        <div className="rounded-md border border-amber-300 bg-amber-50 p-3 text-sm dark:border-amber-900 dark:bg-amber-950/30" role="status">
          <p className="mb-2 font-medium">Copy the token for {created.name} now: it will not be shown again.</p>
          <div className="flex items-center gap-2">
            <code aria-label="New API token" className="min-w-0 flex-1 truncate rounded bg-white px-2 py-1.5 font-mono text-xs dark:bg-zinc-900">
              {created.token}
            </code>
            <CopyButton value={created.token} />
          </div>
        </div>
      ) : null}
    </div>
  );
}
