"use client";

import { useRouter } from "next/navigation";
import { useRef, useState } from "react";
import { toast } from "sonner";
import { FormMessage } from "@/components/forms/form-message";
import { formToObject, useAction, useFormErrors } from "@/components/forms/use-form-action";
import { Button } from "@/components/ui/button";
import { SelectField, TextField } from "@/components/ui/field";
import { createDatastoreAction, testDatastoreAction } from "../actions";

const SECRET_FIELD = {
  connection_string: ["connectionString", "Connection string"],
  account_key: ["accountKey", "Account key"],
  sas: ["sasToken", "SAS token"],
} as const;

export function DatastoreForm({ slug }: { slug: string }) {
  const router = useRouter();
  const form = useRef<HTMLFormElement>(null);
  const [kind, setKind] = useState<"azure_blob" | "filesystem">("azure_blob");
  const [auth, setAuth] = useState<keyof typeof SECRET_FIELD>("connection_string");
  const [tested, setTested] = useState<{ ok: boolean; reason?: string } | null>(null);
  const test = useAction(testDatastoreAction, {
    onSuccess: ({ data }) => setTested(data ? { ok: data.ok, reason: "reason" in data ? data.reason : undefined } : null),
  });
  const create = useAction(createDatastoreAction, {
    onSuccess({ data }) {
      toast.success(`Datastore ${data?.name} registered`);
      router.push(`/w/${slug}/datastores/${data?.name}`);
    },
  });
  const { fieldErrors, message, err } = useFormErrors(
    create.result.serverError || create.result.validationErrors ? create.result : test.result,
    "datastore",
  );
  const values = () => {
    const fields = formToObject(form.current!) as Record<string, unknown>;
    if (kind === "filesystem")
      return { workspace: slug, datastore: { kind, name: fields.name, description: fields.description || undefined } };
    return { workspace: slug, datastore: { ...fields, auth } };
  };
  const [secretName, secretLabel] = SECRET_FIELD[auth];

  return (
    <form ref={form} className="space-y-4" noValidate onSubmit={(e) => (e.preventDefault(), create.execute(values()))}>
      <FormMessage message={message} />
      <TextField
        label="Name"
        name="name"
        placeholder="team_data"
        hint="3-64 letters, digits and underscores; used in paths: datastores/<name>/paths/…"
        errors={err("name")}
      />
      <SelectField
        label="Kind"
        name="kindChoice"
        value={kind}
        onChange={(e) => (setKind(e.target.value as typeof kind), setTested(null))}
        hint={
          kind === "filesystem"
            ? "A new folder on this server, managed by Batchpoint; jobs read its files in place."
            : "An existing container in an Azure storage account."
        }
        options={[
          { value: "azure_blob", label: "Azure Blob container" },
          { value: "filesystem", label: "Folder on this server" },
        ]}
      />
      {kind === "filesystem" ? (
        <TextField label="Description" name="description" placeholder="Optional" errors={err("description")} />
      ) : (
        <>
          <SelectField
            label="Credential type"
            name="authType"
            value={auth}
            onChange={(e) => (setAuth(e.target.value as keyof typeof SECRET_FIELD), setTested(null))}
            options={[
              { value: "connection_string", label: "Connection string" },
              { value: "account_key", label: "Account name and key" },
              { value: "sas", label: "SAS token" },
            ]}
          />
          {auth !== "connection_string" ? (
            <TextField label="Storage account" name="accountName" placeholder="mystorageacct" errors={err("accountName")} />
          ) : null}
          <TextField label="Container" name="containerName" placeholder="inputs" errors={err("containerName")} />
          <TextField
            key={secretName}
            label={secretLabel}
            name={secretName}
            type="password"
            autoComplete="off"
            hint="Write-only: it is never shown again."
            errors={err(secretName)}
          />
        </>
      )}
      {tested ? (
        <p role="status" className={tested.ok ? "text-sm text-emerald-700" : "text-sm text-red-600"}>
          {tested.ok ? "Connection works: the container can be listed." : `Connection failed: ${tested.reason}`}
        </p>
      ) : null}
      <div className="flex gap-2">
        {kind === "azure_blob" ? (
          <Button type="button" variant="secondary" disabled={test.isPending} onClick={() => test.execute(values())}>
            {test.isPending ? "Testing…" : "Test connection"}
          </Button>
        ) : null}
        <Button type="submit" disabled={create.isPending}>
          {create.isPending ? "Registering…" : kind === "filesystem" ? "Create datastore" : "Register datastore"}
        </Button>
      </div>
    </form>
  );
}
