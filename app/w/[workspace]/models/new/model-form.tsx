"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { toast } from "sonner";
import { FormMessage } from "@/components/forms/form-message";
import { Button } from "@/components/ui/button";
import { TextField } from "@/components/ui/field";

export function ModelForm({ slug }: { slug: string }) {
  const router = useRouter();
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<{ message?: string; fieldErrors?: Record<string, string[]> }>({});
  return (
    <form
      className="space-y-4"
      noValidate
      onSubmit={async (e) => {
        e.preventDefault();
        setPending(true);
        setError({});
        const res = await fetch(`/w/${slug}/models/upload`, { method: "POST", body: new FormData(e.currentTarget) }).catch(() => null);
        const body = await res?.json().catch(() => null);
        setPending(false);
        if (!res?.ok) {
          const fe = body?.error?.details?.fieldErrors;
          setError({ message: fe ? undefined : (body?.error?.message ?? "The upload failed. Try again."), fieldErrors: fe });
          return;
        }
        toast.success(`Registered ${body.name} version ${body.version}`);
        router.push(`/w/${slug}/models`);
        router.refresh();
      }}
    >
      <FormMessage message={error.message} />
      <TextField label="Name" name="name" placeholder="fraud-model" errors={error.fieldErrors?.name} />
      <TextField
        label="Version"
        name="version"
        placeholder="next number"
        hint="Leave empty for the next integer."
        errors={error.fieldErrors?.version}
      />
      <TextField label="Description" name="description" />
      <TextField
        label="Registered folder"
        name="root"
        placeholder="model"
        hint="As on Azure ML: the files land at AZUREML_MODEL_DIR/<folder>/. Leave empty to put them at AZUREML_MODEL_DIR itself."
        errors={error.fieldErrors?.root}
      />
      <div className="space-y-1.5">
        <label htmlFor="files" className="block text-sm font-medium">
          Files
        </label>
        <input
          id="files"
          name="files"
          type="file"
          multiple
          className="block w-full text-sm file:mr-3 file:rounded-md file:border-0 file:bg-brand-50 file:px-3 file:py-2 file:text-brand-700"
        />
        {error.fieldErrors?.files ? (
          <p role="alert" className="text-sm text-red-600">
            {error.fieldErrors.files.join(" ")}
          </p>
        ) : (
          <p className="text-xs text-zinc-500">Weights, pickles, configuration: whatever init() loads from AZUREML_MODEL_DIR.</p>
        )}
      </div>
      <Button type="submit" disabled={pending}>
        {pending ? "Uploading…" : "Register model"}
      </Button>
    </form>
  );
}
