"use client";

import { useState } from "react";
import { FormMessage } from "@/components/forms/form-message";
import { formToObject, useAction, useFormErrors } from "@/components/forms/use-form-action";
import { Button } from "@/components/ui/button";
import { CopyButton } from "@/components/ui/copy-button";
import { RoleSelect } from "@/components/forms/role-select";
import { SelectField, TextField } from "@/components/ui/field";
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
        className="grid gap-4 sm:grid-cols-[1fr_12rem_10rem_auto] sm:items-start"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          setCreated(null);
          const { expiresInDays, ...rest } = formToObject(e.currentTarget) as { name: string; role: "reader"; expiresInDays: string };
          execute({ ...rest, workspace: slug, ...(expiresInDays ? { expiresInDays: Number(expiresInDays) } : {}) });
          e.currentTarget.reset();
        }}
      >
        <TextField label="Token name" name="name" placeholder="nightly-scoring-pipeline" errors={fieldErrors.name} />
        <RoleSelect errors={fieldErrors.role} />
        <SelectField
          label="Expires"
          name="expiresInDays"
          defaultValue="90"
          errors={fieldErrors.expiresInDays}
          options={[
            { value: "7", label: "in 7 days" },
            { value: "30", label: "in 30 days" },
            { value: "90", label: "in 90 days" },
            { value: "365", label: "in a year" },
            { value: "", label: "never" },
          ]}
        />
        <Button type="submit" className="sm:mt-6" disabled={isPending}>
          {isPending ? "Creating…" : "Create token"}
        </Button>
      </form>
      <FormMessage message={message} />
      {created ? (
        <div
          className="rounded-md border border-amber-300 bg-amber-50 p-3 text-sm dark:border-amber-900 dark:bg-amber-950/30"
          role="status"
        >
          <p className="mb-2 font-medium">Copy the token for {created.name} now: it will not be shown again.</p>
          <div className="flex items-center gap-2">
            <code
              aria-label="New API token"
              className="min-w-0 flex-1 truncate rounded bg-white px-2 py-1.5 font-mono text-xs dark:bg-zinc-900"
            >
              {created.token}
            </code>
            <CopyButton value={created.token} />
          </div>
        </div>
      ) : null}
    </div>
  );
}
