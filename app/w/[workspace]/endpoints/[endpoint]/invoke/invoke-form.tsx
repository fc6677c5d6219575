"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { FormMessage } from "@/components/forms/form-message";
import { type DataInputChoice, inputTypeOptions, typeWords } from "@/components/forms/input-types";
import { parseKeyValueLines } from "@/components/forms/key-value";
import { useAction, useFormErrors } from "@/components/forms/use-form-action";
import { Button, ButtonLink } from "@/components/ui/button";
import { SelectField, TextField } from "@/components/ui/field";
import { invokeEndpointAction } from "../../actions";
import { InputPicker } from "./_components/input-picker";
import { SourcesFields, sourcesFromForm } from "./_components/sources-fields";
import { rowOptionsFromForm, TabularOptionsFields } from "./tabular-options";

interface DeploymentOption {
  name: string;
  isDefault: boolean;
  miniBatchSize: number;
  instanceCount: number;
  maxRetries: number;
  timeout: number;
  errorThreshold: number;
  outputFileName: string;
  supportsExplanations: boolean;
}

/** "name=value" lines into literal inputs; numbers and true/false keep their type. */
function parseLiterals(text: string) {
  const out: Record<string, { type: string; value: string | number | boolean }> = {};
  for (const [k, raw] of parseKeyValueLines(text)) {
    if (/^(true|false)$/i.test(raw)) out[k] = { type: "boolean", value: raw.toLowerCase() === "true" };
    else if (raw !== "" && !Number.isNaN(Number(raw)))
      out[k] = { type: Number.isInteger(Number(raw)) ? "integer" : "number", value: Number(raw) };
    else out[k] = { type: "string", value: raw };
  }
  return out;
}

export function InvokeForm({
  slug,
  endpoint,
  deployments,
  datastores,
  defaultInput,
  dataAssets = [],
  inputTypes,
}: {
  slug: string;
  endpoint: string;
  deployments: DeploymentOption[];
  /** The data input kinds, from the registry (lib/jobs/inputs): the select offers exactly these, then sources and none. */
  inputTypes: DataInputChoice[];
  datastores: string[];
  defaultInput?: string;
  dataAssets?: { name: string; type: string }[];
}) {
  const router = useRouter();
  const [deploymentName, setDeploymentName] = useState(deployments.find((d) => d.isDefault)?.name ?? deployments[0]?.name ?? "");
  const d = deployments.find((x) => x.name === deploymentName);
  // "none": a job without a data input (watsonx's script jobs): run() is called once with an empty list.
  const firstType = inputTypes[0]?.type ?? "none";
  const [inputType, setInputType] = useState(firstType);
  const chosen = inputTypes.find((t) => t.type === inputType);
  const { execute, result, isPending } = useAction(invokeEndpointAction, {
    // No "started" toast: planning may still fail the job a moment later; its page shows the real state.
    onSuccess({ data }) {
      router.push(`/w/${slug}/jobs/${data?.name}`);
    },
  });
  const { fieldErrors, message, err } = useFormErrors(result, "invoke");
  // The server names the variable (environmentVariables.PATH): show every such error under the one field.
  const variableErrors = Object.entries(fieldErrors)
    .filter(([k]) => /^(invoke\.)?environmentVariables(\.|$)/.test(k))
    .flatMap(([, v]) => v as string[]);

  return (
    <form
      className="space-y-6"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        const f = new FormData(e.currentTarget);
        const opt = (k: string) => (String(f.get(k) ?? "") === "" ? undefined : Number(f.get(k)));
        const outputPath = String(f.get("outputPath") ?? "").trim();
        const displayName = String(f.get("displayName") ?? "").trim();
        const tagsText = String(f.get("tags") ?? "").trim();
        const variables = parseKeyValueLines(String(f.get("environmentVariables") ?? ""));
        const tags = tagsText
          ? Object.fromEntries(
              tagsText
                .split(",")
                .map((t) => t.trim())
                .filter(Boolean)
                .map((t) => (t.includes("=") ? [t.slice(0, t.indexOf("=")).trim(), t.slice(t.indexOf("=") + 1).trim()] : [t, ""])),
            )
          : undefined;
        execute({
          workspace: slug,
          endpoint,
          invoke: {
            deploymentName,
            ...(displayName ? { displayName } : {}),
            ...(tags ? { tags } : {}),
            ...(inputType === "none"
              ? {}
              : inputType === "sources"
                ? sourcesFromForm(f)
                : {
                    input: {
                      type: String(f.get("inputType")),
                      path: String(f.get("dataAsset") ?? "") || String(f.get("inputPath") ?? "").trim(),
                    },
                  }),
            inputs: parseLiterals(String(f.get("literals") ?? "")),
            ...(variables.length ? { environmentVariables: Object.fromEntries(variables) } : {}),
            ...(f.get("explain") === "on" ? { explain: true } : {}),
            ...(outputPath ? { output: { path: outputPath } } : {}),
            outputFileName: String(f.get("outputFileName") ?? "").trim() || undefined,
            overwrite: f.get("overwrite") === "on",
            miniBatchSize: opt("miniBatchSize"),
            instanceCount: opt("instanceCount"),
            maxRetries: opt("maxRetries"),
            timeout: opt("timeout"),
            errorThreshold: opt("errorThreshold"),
            ...rowOptionsFromForm(f),
          },
        });
      }}
    >
      <FormMessage message={message} />
      <SelectField
        label="Deployment"
        name="deploymentName"
        value={deploymentName}
        onChange={(e) => setDeploymentName(e.target.value)}
        options={deployments.map((x) => ({ value: x.name, label: x.isDefault ? `${x.name} (default)` : x.name }))}
        errors={err("deploymentName")}
      />
      <div className="grid gap-4 sm:grid-cols-2">
        <TextField
          label="Display name (optional)"
          name="displayName"
          placeholder="Nightly fraud scoring"
          hint="For people: shown in the jobs table and found by its search. The job's name stays its id."
          errors={err("displayName")}
        />
        <TextField
          label="Tags (optional)"
          name="tags"
          placeholder="team=risk, run=nightly"
          hint="key=value pairs, separated by commas; click a tag in the jobs table to see the jobs that carry it."
          errors={err("tags")}
        />
      </div>
      <fieldset className="grid gap-4 sm:grid-cols-[12rem_1fr]">
        <legend className="mb-2 text-sm font-semibold">Input</legend>
        <SelectField
          label="Input type"
          name="inputType"
          defaultValue={firstType}
          onChange={(e) => setInputType(e.target.value)}
          hint={chosen?.description}
          options={[
            ...inputTypeOptions(inputTypes),
            { value: "sources", label: "Named input items (sources)" },
            { value: "none", label: "No data input (run() once)" },
          ]}
        />
        {inputType === "none" ? (
          <p className="self-end pb-2 text-sm text-zinc-600 dark:text-zinc-400">
            run() is called once with an empty list. The script reads the literal inputs and the job from JOBS_PAYLOAD_FILE, and whatever it
            leaves in BATCH_OUTPUT_DIR is uploaded to the job&apos;s output folder.
          </p>
        ) : null}
        {inputType === "sources" ? <SourcesFields errors={fieldErrors} /> : null}
        {inputType !== "none" && inputType !== "sources" && dataAssets.length > 0 && (
          <SelectField
            label="Data asset"
            name="dataAsset"
            hint="A registered data asset (its newest version) instead of a path; its own type is used."
            options={[
              { value: "", label: "None: use the input path" },
              ...dataAssets.map((a) => ({ value: `azureml:${a.name}@latest`, label: `${a.name} (${a.type}, latest)` })),
            ]}
          />
        )}
        {inputType !== "none" && inputType !== "sources" ? (
          <InputPicker
            slug={slug}
            datastores={datastores}
            inputTypes={inputTypes}
            defaultValue={defaultInput}
            errors={err("input.path") ?? err("input")}
          />
        ) : null}
      </fieldset>
      <div className="space-y-1.5">
        <label htmlFor="literals" className="block text-sm font-medium">
          Literal inputs
        </label>
        <textarea
          id="literals"
          name="literals"
          rows={2}
          placeholder={"threshold=0.8\nlabel=nightly"}
          className="block w-full rounded-md border border-zinc-300 bg-white px-3 py-2 font-mono text-sm dark:border-zinc-700 dark:bg-zinc-900"
        />
        <p className="text-xs text-zinc-500">One name=value per line; the script reads them from the JSON file in JOBS_PAYLOAD_FILE.</p>
      </div>
      <div className="space-y-1.5">
        <label htmlFor="environmentVariables" className="block text-sm font-medium">
          Environment variables for this job (optional)
        </label>
        <textarea
          id="environmentVariables"
          name="environmentVariables"
          rows={2}
          placeholder={"API_TOKEN=…\nREGION=eu-west"}
          aria-describedby="environmentVariables-hint"
          aria-invalid={variableErrors.length ? true : undefined}
          className="block w-full rounded-md border border-zinc-300 bg-white px-3 py-2 font-mono text-sm dark:border-zinc-700 dark:bg-zinc-900"
        />
        <p id="environmentVariables-hint" className="text-xs text-zinc-500">
          One NAME=value per line, set in the scoring process of this job only. Kept sealed like secrets and shown masked; the
          platform&apos;s own variables (AZUREML_*, BATCH_*, PATH…) cannot be replaced.
        </p>
        {variableErrors.map((m) => (
          <p key={m} className="text-sm text-red-700 dark:text-red-400">
            {m}
          </p>
        ))}
      </div>
      {d?.supportsExplanations ? (
        <label className="flex items-center gap-2 text-sm">
          <input type="checkbox" name="explain" /> Ask for explanations (the script sees explain: true in JOBS_PAYLOAD_FILE and
          BATCH_EXPLAIN=1)
        </label>
      ) : null}
      <fieldset className="grid gap-4 sm:grid-cols-2">
        <legend className="mb-2 text-sm font-semibold">Output</legend>
        <TextField
          label="Output path"
          name="outputPath"
          placeholder="default: datastores/workspaceblobstore/paths/endpoints/<endpoint>/jobs/<job>/"
          errors={err("output.path")}
        />
        <TextField
          label="Output file name"
          name="outputFileName"
          placeholder={d?.outputFileName ?? "predictions.csv"}
          errors={err("outputFileName")}
        />
        <label className="flex items-center gap-2 text-sm sm:col-span-2">
          <input type="checkbox" name="overwrite" /> Overwrite the output file if it exists
        </label>
      </fieldset>
      <fieldset className="grid gap-4 sm:grid-cols-3">
        <legend className="mb-2 text-sm font-semibold">Overrides for this job (blank: the deployment&apos;s)</legend>
        <TextField
          label="Mini-batch size"
          name="miniBatchSize"
          type="number"
          placeholder={String(d?.miniBatchSize ?? "")}
          hint={`Files per mini-batch; rows for ${typeWords(inputTypes, (t) => t.unit === "rows")} input.`}
          errors={err("miniBatchSize")}
        />
        <TextField
          label="Instance count"
          name="instanceCount"
          type="number"
          placeholder={String(d?.instanceCount ?? "")}
          errors={err("instanceCount")}
        />
        <TextField
          label="Max retries"
          name="maxRetries"
          type="number"
          placeholder={String(d?.maxRetries ?? "")}
          errors={err("maxRetries")}
        />
        <TextField label="Timeout (seconds)" name="timeout" type="number" placeholder={String(d?.timeout ?? "")} errors={err("timeout")} />
        <TextField
          label="Error threshold"
          name="errorThreshold"
          type="number"
          placeholder={String(d?.errorThreshold ?? "")}
          errors={err("errorThreshold")}
        />
      </fieldset>
      <TabularOptionsFields err={err} types={typeWords(inputTypes, (t) => t.acceptsRowOptions)} />
      <div className="flex gap-2">
        <Button type="submit" disabled={isPending || !deployments.length}>
          {isPending ? "Starting…" : "Start job"}
        </Button>
        <ButtonLink variant="secondary" href={`/w/${slug}/endpoints/${endpoint}`}>
          Cancel
        </ButtonLink>
      </div>
    </form>
  );
}
