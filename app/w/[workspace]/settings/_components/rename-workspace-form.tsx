"use client";

import { toast } from "sonner";
import { FormMessage } from "@/components/forms/form-message";
import { formToObject, useAction, useFormErrors } from "@/components/forms/use-form-action";
import { Button } from "@/components/ui/button";
import { TextField } from "@/components/ui/field";
import { updateWorkspaceAction } from "../actions";

export function RenameWorkspaceForm({ slug, name }: { slug: string; name: string }) {
  const { execute, result, isPending } = useAction(updateWorkspaceAction, { onSuccess: () => toast.success("Workspace renamed") });
  const { fieldErrors, message } = useFormErrors(result);
  return (
    <form
      className="flex flex-col gap-4 sm:flex-row sm:items-end"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        execute({ ...(formToObject(e.currentTarget) as { name: string }), workspace: slug });
      }}
    >
      <div className="flex-1 space-y-2">
        <FormMessage message={message} />
        <TextField label="Workspace name" name="name" defaultValue={name} errors={fieldErrors.name} />
      </div>
      <Button type="submit" disabled={isPending}>
        Save
      </Button>
    </form>
  );
}
