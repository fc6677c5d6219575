"use client";

import { useState } from "react";
import { toast } from "sonner";
import { FormMessage } from "@/components/forms/form-message";
import { formToObject, useAction, useFormErrors } from "@/components/forms/use-form-action";
import { Button } from "@/components/ui/button";
import { CopyButton } from "@/components/ui/copy-button";
import { RoleSelect } from "@/components/forms/role-select";
import { TextField } from "@/components/ui/field";
import { inviteMemberAction } from "../../actions";

export function InviteForm({ slug }: { slug: string }) {
  const [link, setLink] = useState<{ url: string; email: string; emailed: boolean } | null>(null);
  const { execute, result, isPending } = useAction(inviteMemberAction, {
    onSuccess({ data }) {
      if (!data) return;
      setLink(data);
      toast.success(`Invitation created for ${data.email}`);
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
          setLink(null);
          execute({ ...(formToObject(e.currentTarget) as { email: string; role: "owner" }), workspace: slug });
        }}
      >
        <TextField label="Email" name="email" type="email" placeholder="colleague@example.com" errors={fieldErrors.email} />
        <RoleSelect errors={fieldErrors.role} />
        <Button type="submit" className="sm:mt-6" disabled={isPending}>
          {isPending ? "Inviting…" : "Invite"}
        </Button>
      </form>
      <FormMessage message={message} />
      {link ? (
        <div
          className="rounded-md border border-emerald-200 bg-emerald-50 p-3 text-sm dark:border-emerald-900 dark:bg-emerald-950/30"
          role="status"
        >
          <p className="mb-2 font-medium">
            Share this link with {link.email}
            {link.emailed ? " (also sent by email)" : ""}:
          </p>
          <div className="flex items-center gap-2">
            <code
              aria-label="Invitation link"
              className="min-w-0 flex-1 truncate rounded bg-white px-2 py-1.5 font-mono text-xs dark:bg-zinc-900"
            >
              {link.url}
            </code>
            <CopyButton value={link.url} />
          </div>
        </div>
      ) : null}
    </div>
  );
}
