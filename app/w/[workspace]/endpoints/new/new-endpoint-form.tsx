"use client";

import { useRouter } from "next/navigation";
import { toast } from "sonner";
import { FormMessage } from "@/components/forms/form-message";
import { formToObject, useAction, useFormErrors } from "@/components/forms/use-form-action";
import { Button, ButtonLink } from "@/components/ui/button";
import { TextField } from "@/components/ui/field";
import { createEndpointAction } from "../actions";

export function NewEndpointForm({ slug }: { slug: string }) {
  const router = useRouter();
  const { execute, result, isPending } = useAction(createEndpointAction, {
    onSuccess({ data }) {
      if (!data) return;
      toast.success(`Endpoint ${data.name} created`);
      router.push(`/w/${slug}/endpoints`);
    },
  });
  const { fieldErrors, message } = useFormErrors(result);
  return (
    <form
      className="space-y-4"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        execute({ ...(formToObject(e.currentTarget) as { name: string }), workspace: slug });
      }}
    >
      <FormMessage message={message} />
      <TextField
        label="Name"
        name="name"
        placeholder="fraud-scorer"
        hint="3-32 letters, digits and dashes, starting with a letter. It cannot be changed later."
        errors={fieldErrors.name}
        autoFocus
      />
      <TextField label="Description" name="description" placeholder="Scores card transactions nightly" errors={fieldErrors.description} />
      <TextField
        label="Tags"
        name="tags"
        placeholder="team=fraud, tier=gold"
        hint="Optional: comma-separated key=value pairs."
        errors={Object.entries(fieldErrors)
          .filter(([k]) => k.startsWith("tags"))
          .flatMap(([, v]) => v)}
      />
      <div className="flex gap-2">
        <Button type="submit" disabled={isPending}>
          {isPending ? "Creating…" : "Create endpoint"}
        </Button>
        <ButtonLink href={`/w/${slug}/endpoints`} variant="secondary">
          Cancel
        </ButtonLink>
      </div>
    </form>
  );
}
