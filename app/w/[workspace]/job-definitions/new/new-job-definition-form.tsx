"use client";

import { useRouter } from "next/navigation";
import { toast } from "sonner";
import { FormMessage } from "@/components/forms/form-message";
import { type DataInputChoice, inputTypeOptions } from "@/components/forms/input-types";
import { formToObject, useAction, useFormErrors } from "@/components/forms/use-form-action";
import { Button, ButtonLink } from "@/components/ui/button";
import { SelectField, TextField } from "@/components/ui/field";
import type { DataInputType } from "@/lib/jobs/inputs";
import { createJobDefinitionAction } from "../actions";

/** `inputTypes`: the data input kinds from the registry (lib/jobs/inputs); the select offers exactly these. */
export function NewJobDefinitionForm({
  slug,
  endpoints,
  inputTypes,
}: {
  slug: string;
  endpoints: string[];
  inputTypes: DataInputChoice[];
}) {
  const router = useRouter();
  const { execute, result, isPending } = useAction(createJobDefinitionAction, {
    onSuccess({ data }) {
      if (!data) return;
      toast.success(`Job definition ${data.name} created`);
      router.push(`/w/${slug}/job-definitions/${data.name}`);
    },
  });
  const { fieldErrors, message } = useFormErrors(result);
  const specErrors = (key: string) =>
    Object.entries(fieldErrors)
      .filter(([k]) => k.startsWith(`spec.${key}`))
      .flatMap(([, v]) => v);
  return (
    <form
      className="space-y-4"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        const form = formToObject(e.currentTarget) as Record<string, string>;
        execute({
          workspace: slug,
          name: form.name ?? "",
          description: form.description,
          endpointName: form.endpointName ?? "",
          deploymentName: form.deploymentName,
          // The server parses it against the registry's list.
          inputType: (form.inputType ?? "") as DataInputType,
          inputPath: form.inputPath ?? "",
          outputPath: form.outputPath,
          schedule: form.schedule,
          timezone: form.timezone,
          overlapPolicy: (form.overlapPolicy || "skip") as "skip",
          enabled: form.enabled !== "off",
        });
      }}
    >
      <FormMessage message={message} />
      <TextField
        label="Name"
        name="name"
        placeholder="nightly-scoring"
        hint="3-32 letters, digits and dashes, starting with a letter."
        errors={fieldErrors.name}
        autoFocus
      />
      <TextField
        label="Description"
        name="description"
        placeholder="Scores yesterday's uploads every night"
        errors={fieldErrors.description}
      />
      <SelectField
        label="Endpoint"
        name="endpointName"
        options={endpoints.map((e) => ({ value: e, label: e }))}
        errors={fieldErrors.endpointName}
        hint={endpoints.length ? undefined : "Create an endpoint first."}
      />
      <TextField
        label="Deployment"
        name="deploymentName"
        placeholder="(the endpoint's default at each run)"
        errors={fieldErrors.deploymentName}
      />
      <div className="grid gap-4 sm:grid-cols-3">
        <SelectField label="Input type" name="inputType" options={inputTypeOptions(inputTypes)} errors={fieldErrors.inputType} />
        <div className="sm:col-span-2">
          <TextField
            label="Input path"
            name="inputPath"
            placeholder="datastores/workspaceblobstore/paths/uploads/"
            errors={specErrors("input")}
          />
        </div>
      </div>
      <TextField
        label="Output path"
        name="outputPath"
        placeholder="datastores/workspaceblobstore/paths/results/{date}/"
        hint="Optional. {date}, {time}, {datetime}, {definition} and {job} name each run, so runs do not overwrite each other."
        errors={specErrors("output")}
      />
      <div className="grid gap-4 sm:grid-cols-2">
        <TextField
          label="Schedule (cron)"
          name="schedule"
          placeholder="0 2 * * *"
          hint="Five fields: minute hour day month weekday. Empty: run on demand only."
          errors={fieldErrors.schedule}
        />
        <TextField
          label="Time zone"
          name="timezone"
          defaultValue="UTC"
          hint="An IANA name, e.g. Europe/Berlin."
          errors={fieldErrors.timezone}
        />
      </div>
      <SelectField
        label="While the previous run is unfinished"
        name="overlapPolicy"
        options={[
          { value: "skip", label: "Skip the scheduled run" },
          { value: "allow", label: "Start it anyway" },
        ]}
        errors={fieldErrors.overlapPolicy}
      />
      <div className="flex gap-2">
        <Button type="submit" disabled={isPending}>
          {isPending ? "Creating…" : "Create job definition"}
        </Button>
        <ButtonLink href={`/w/${slug}/job-definitions`} variant="secondary">
          Cancel
        </ButtonLink>
      </div>
    </form>
  );
}
