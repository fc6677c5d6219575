"use client";

import { useRouter } from "next/navigation";
import { FormMessage } from "@/components/forms/form-message";
import { formToObject, useAction, useFormErrors } from "@/components/forms/use-form-action";
import { Button } from "@/components/ui/button";
import { TextField } from "@/components/ui/field";
import { createWorkspaceAction } from "../actions";

export function NewWorkspaceForm() {
  const router = useRouter();
  const { execute, result, isPending } = useAction(createWorkspaceAction, {
    onSuccess({ data }) {
      if (data) router.push(`/w/${data.workspaceSlug}/endpoints`);
    },
  });
  const { fieldErrors, message } = useFormErrors(result);
  return (
    <form
      className="space-y-4"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        execute(formToObject(e.currentTarget) as { name: string });
      }}
    >
      <FormMessage message={message} />
      <TextField label="Workspace name" name="name" placeholder="Fraud models" required errors={fieldErrors.name} />
      <Button type="submit" className="w-full" disabled={isPending}>
        {isPending ? "Creating…" : "Create workspace"}
      </Button>
    </form>
  );
}
