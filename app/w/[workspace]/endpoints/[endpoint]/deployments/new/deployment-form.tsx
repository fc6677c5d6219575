"use client";

import { useRouter } from "next/navigation";
import { useEffect, useMemo, useRef, useState } from "react";
import { toast } from "sonner";
import { ErrorSummary, type SummaryItem } from "@/components/forms/error-summary";
import { FormMessage } from "@/components/forms/form-message";
import { humanMessage } from "@/components/forms/human-message";
import { parseKeyValueLines } from "@/components/forms/key-value";
import { useAction, useFormErrors } from "@/components/forms/use-form-action";
import { Button, ButtonLink } from "@/components/ui/button";
import { SelectField, TextField } from "@/components/ui/field";
import { DEFAULT_SANDBOX_SETTINGS, SANDBOX_LIMIT_RANGES, type SandboxLimitName } from "@/lib/scoring/sandbox-settings";
import { createDeploymentAction, updateDeploymentAction } from "../../../actions";

/** The saved deployment, when editing. */
export interface DeploymentInitial {
  name: string;
  description: string | null;
  runtime: string;
  interpreter: string | null;
  model: string | null;
  scoringScript: string;
  settings: {
    miniBatchSize: number;
    instanceCount: number;
    maxConcurrencyPerInstance: number;
    retrySettings: { maxRetries: number; timeout: number };
    errorThreshold: number;
    outputAction: string;
    outputFileName: string;
    loggingLevel: string;
    environmentVariables: Record<string, string>;
    sandboxSettings?: Partial<Record<SandboxLimitName, number>> & { allowNetwork?: boolean };
    supportsExplanations?: boolean;
  };
  environment?: { condaFile: string | null; requirementsFile: string | null } | null;
}

const LIMITS = Object.entries(SANDBOX_LIMIT_RANGES) as [SandboxLimitName, (typeof SANDBOX_LIMIT_RANGES)[SandboxLimitName]][];
const ENV_FILES = [
  ["condaFile", "Conda file", /\.ya?ml$/],
  ["requirementsFile", "Requirements file", /\.txt$/],
] as const;

const NUMBERS = [
  ["miniBatchSize", "Mini-batch size", 10],
  ["instanceCount", "Instance count", 1],
  ["maxConcurrencyPerInstance", "Max concurrency per instance", 1],
  ["retrySettings.maxRetries", "Max retries", 3],
  ["retrySettings.timeout", "Timeout (seconds)", 30],
  ["errorThreshold", "Error threshold", -1],
] as const;

// Every field the server can report on: the control's id, its label, and a sentence for zod's generic messages.
const FIELDS: Record<string, { id: string; label: string; override?: string }> = {
  name: { id: "name", label: "Name", override: "Enter a name: 3-32 letters, digits and dashes, starting with a letter." },
  description: { id: "description", label: "Description" },
  runtime: { id: "runtime", label: "Runtime" },
  interpreter: { id: "interpreter", label: "Interpreter" },
  "code.files": { id: "code", label: "Scoring code files", override: "Upload your scoring code: at least the scoring script." },
  scoringScript: {
    id: "scoringScript",
    label: "Scoring script",
    override: "Choose the scoring script: upload your code files, then pick the one with init() and run().",
  },
  model: { id: "model", label: "Model" },
  ...Object.fromEntries(
    NUMBERS.map(([key, label]) => [
      `settings.${key}`,
      { id: key, label, override: `Enter a whole number for the ${label.toLowerCase()}.` },
    ]),
  ),
  "settings.outputAction": { id: "outputAction", label: "Output action" },
  "settings.outputFileName": { id: "outputFileName", label: "Output file name" },
  "settings.loggingLevel": { id: "loggingLevel", label: "Logging level" },
  "settings.environmentVariables": { id: "environmentVariables", label: "Environment variables" },
  ...Object.fromEntries(LIMITS.map(([key, r]) => [`settings.sandboxSettings.${key}`, { id: `sandboxSettings.${key}`, label: r.label }])),
  "settings.sandboxSettings.allowNetwork": { id: "sandboxSettings.allowNetwork", label: "Allow outbound network" },
  "environment.condaFile": { id: "environment.condaFile", label: "Conda file" },
  "environment.requirementsFile": { id: "environment.requirementsFile", label: "Requirements file" },
  environment: { id: "environment.condaFile", label: "Environment file" },
};

/** The form's field for an error key such as "deployment.settings.retrySettings.timeout" or "code.files.a.py". */
function fieldFor(key: string) {
  const k = key.replace(/^(deployment|update)\./, "");
  if (FIELDS[k]) return { key: k, ...FIELDS[k] };
  if (k.startsWith("code.files")) return { key: "code.files", ...FIELDS["code.files"] };
  if (k.startsWith("settings.environmentVariables"))
    return { key: "settings.environmentVariables", ...FIELDS["settings.environmentVariables"] };
  return undefined;
}

export function DeploymentForm({
  slug,
  endpoint,
  models,
  help,
  initial,
  firstDeployment = false,
}: {
  slug: string;
  endpoint: string;
  models: string[];
  help: Record<string, string>;
  initial?: DeploymentInitial;
  firstDeployment?: boolean;
}) {
  const formRef = useRef<HTMLFormElement>(null);
  const router = useRouter();
  const [files, setFiles] = useState<Record<string, string>>({});
  const [script, setScript] = useState(initial?.scoringScript ?? "");
  const [runtime, setRuntime] = useState(initial?.runtime ?? "python");
  const done = (verb: string) => (name?: string) => {
    toast.success(`Deployment ${name} ${verb}`);
    router.push(`/w/${slug}/endpoints/${endpoint}`);
  };
  const create = useAction(createDeploymentAction, { onSuccess: ({ data }) => done("created")(data?.name) });
  const update = useAction(updateDeploymentAction, { onSuccess: ({ data }) => done(`updated (v${data?.version})`)(data?.name) });
  const { execute, result, isPending } = initial ? { execute: null, result: update.result, isPending: update.isPending } : create;
  const { fieldErrors: rawErrors, message } = useFormErrors(result, initial ? "update" : "deployment");
  // Field errors keyed by the form's own field names, each message written for a person.
  const fieldErrors = useMemo(() => {
    const out: Record<string, string[]> = {};
    for (const [key, messages] of Object.entries(rawErrors)) {
      const f = fieldFor(key);
      const envName =
        key.startsWith("settings.environmentVariables.") || key.includes(".settings.environmentVariables.")
          ? key.split(".").pop()
          : undefined;
      const target = f?.key ?? "form";
      for (const m of messages)
        (out[target] ??= []).push((envName ? `${envName}: ` : "") + humanMessage(f?.label ?? "value", m, f?.override));
    }
    // One message per field, the most basic first: "choose a script" before "it must end in .py".
    for (const k of Object.keys(out)) if (k !== "settings.environmentVariables") out[k] = [...new Set(out[k])].slice(0, 1);
    return out;
  }, [rawErrors]);
  const err = (field: string) => fieldErrors[field];
  const summary: SummaryItem[] = Object.entries(fieldErrors)
    .filter(([k]) => k !== "form")
    .map(([k, messages]) => ({ id: FIELDS[k]?.id ?? k, label: FIELDS[k]?.label ?? k, message: messages.join(" ") }));
  // A failed submit moves focus to the first invalid field, wherever the form was submitted from.
  useEffect(() => {
    if (!Object.keys(fieldErrors).length) return;
    const first = formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]');
    first?.focus();
    first?.scrollIntoView({ block: "center" });
  }, [fieldErrors]);
  const dflt = (key: string, fallback: number) => {
    if (!initial) return fallback;
    const s = initial.settings;
    return key === "retrySettings.maxRetries"
      ? s.retrySettings.maxRetries
      : key === "retrySettings.timeout"
        ? s.retrySettings.timeout
        : (s as unknown as Record<string, number>)[key];
  };
  const scripts = Object.keys(files).length ? Object.keys(files) : initial ? [initial.scoringScript] : [];
  const sandbox = initial?.settings.sandboxSettings ?? {};
  // Environment files are picked among the code files: the uploaded ones, else the saved choice.
  const envChoices = (key: "condaFile" | "requirementsFile", pattern: RegExp) => {
    const saved = initial?.environment?.[key];
    const names = Object.keys(files).length ? Object.keys(files).filter((n) => pattern.test(n)) : saved ? [saved] : [];
    return [{ value: "", label: "None" }, ...names.map((n) => ({ value: n, label: n }))];
  };

  return (
    <form
      ref={formRef}
      className="space-y-6"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        const f = new FormData(e.currentTarget);
        const num = (k: string) => Number(f.get(k));
        const settings = {
          miniBatchSize: num("miniBatchSize"),
          instanceCount: num("instanceCount"),
          maxConcurrencyPerInstance: num("maxConcurrencyPerInstance"),
          retrySettings: { maxRetries: num("retrySettings.maxRetries"), timeout: num("retrySettings.timeout") },
          errorThreshold: num("errorThreshold"),
          outputAction: String(f.get("outputAction")),
          outputFileName: String(f.get("outputFileName") ?? ""),
          loggingLevel: String(f.get("loggingLevel")),
          environmentVariables: Object.fromEntries(parseKeyValueLines(String(f.get("environmentVariables") ?? ""))),
          // Only the limits filled in; an empty field is the default. The server checks each range.
          sandboxSettings: {
            ...(f.get("sandboxSettings.allowNetwork") === "on" ? { allowNetwork: true } : {}),
            ...Object.fromEntries(
              LIMITS.map(([key]) => [key, String(f.get(`sandboxSettings.${key}`) ?? "").trim()] as const)
                .filter(([, v]) => v !== "")
                .map(([key, v]) => [key, Number(v)]),
            ),
          },
          supportsExplanations: f.get("supportsExplanations") === "on",
        };
        const environmentFiles = {
          condaFile: String(f.get("environment.condaFile") ?? "") || null,
          requirementsFile: String(f.get("environment.requirementsFile") ?? "") || null,
        };
        const environment = environmentFiles.condaFile || environmentFiles.requirementsFile ? environmentFiles : null;
        if (initial) {
          update.execute({
            workspace: slug,
            endpoint,
            deployment: initial.name,
            update: {
              description: String(f.get("description") ?? ""),
              interpreter: String(f.get("interpreter") ?? "") || null,
              model: String(f.get("model") ?? "") || null,
              scoringScript: script,
              ...(Object.keys(files).length ? { code: { files } } : {}),
              settings,
              ...(runtime === "python" ? { environment } : {}),
              setDefault: f.get("setDefault") === "on" || undefined,
            },
          });
          return;
        }
        execute!({
          workspace: slug,
          endpoint,
          deployment: {
            name: String(f.get("name") ?? ""),
            description: String(f.get("description") ?? "") || undefined,
            runtime,
            interpreter: String(f.get("interpreter") ?? "") || undefined,
            model: String(f.get("model") ?? "") || undefined,
            code: { files },
            scoringScript: script,
            setDefault: f.get("setDefault") === "on",
            settings,
            ...(environment ? { environment } : {}),
          },
        });
      }}
    >
      <FormMessage message={message ?? fieldErrors.form?.join(" ")} />
      <fieldset className="grid gap-4 sm:grid-cols-2">
        <legend className="mb-2 text-sm font-semibold">Deployment</legend>
        <TextField
          label="Name"
          name="name"
          placeholder="blue"
          defaultValue={initial?.name}
          disabled={!!initial}
          hint={initial ? "A deployment's name cannot change." : "3-32 letters, digits and dashes, starting with a letter."}
          errors={err("name")}
        />
        <TextField label="Description" name="description" defaultValue={initial?.description ?? ""} errors={err("description")} />
        <SelectField
          label="Runtime"
          name="runtime"
          value={runtime}
          disabled={!!initial}
          onChange={(e) => setRuntime(e.target.value)}
          options={[
            { value: "python", label: "Python" },
            { value: "node", label: "Node.js" },
          ]}
        />
        <TextField
          label="Interpreter"
          name="interpreter"
          defaultValue={initial?.interpreter ?? ""}
          placeholder={runtime === "python" ? "python3" : "node"}
          hint="Optional: a path such as /usr/bin/python3 with your packages."
          errors={err("interpreter")}
        />
      </fieldset>

      <fieldset className="space-y-4">
        <legend className="mb-2 text-sm font-semibold">Code and model</legend>
        <div className="space-y-1.5">
          <label htmlFor="code" className="block text-sm font-medium">
            Scoring code files
          </label>
          <input
            id="code"
            type="file"
            multiple
            aria-invalid={err("code.files")?.length ? true : undefined}
            aria-describedby={err("code.files")?.length ? "code-error" : "code-hint"}
            className="block w-full text-sm file:mr-3 file:rounded-md file:border-0 file:bg-brand-50 file:px-3 file:py-2 file:text-brand-700"
            onChange={async (e) => {
              const picked = Array.from(e.target.files ?? []);
              const read = Object.fromEntries(
                await Promise.all(picked.map(async (file) => [file.webkitRelativePath || file.name, await file.text()] as const)),
              );
              setFiles(read);
              const main = Object.keys(read).find((n) => /(score|main|predict)\.(py|mjs|js)$/.test(n)) ?? Object.keys(read)[0] ?? "";
              setScript(main);
            }}
          />
          <p id="code-hint" className="text-xs text-zinc-500">
            {Object.keys(files).length
              ? `${Object.keys(files).length} file(s): ${Object.keys(files).join(", ")}`
              : initial
                ? "Leave empty to keep the current code."
                : "Your scoring script and any modules it imports."}
          </p>
          {err("code.files")?.length ? (
            <p id="code-error" className="text-sm text-red-600" role="alert">
              {err("code.files")!.join(" ")}
            </p>
          ) : null}
        </div>
        <SelectField
          label="Scoring script"
          name="scoringScript"
          value={script}
          onChange={(e) => setScript(e.target.value)}
          options={scripts.length ? scripts.map((n) => ({ value: n, label: n })) : [{ value: "", label: "Upload code files first" }]}
          errors={err("scoringScript")}
        />
        <SelectField
          label="Model"
          name="model"
          defaultValue={initial?.model ?? ""}
          options={[{ value: "", label: "No model" }, ...models.map((m) => ({ value: m, label: m }))]}
          hint="Its files are in AZUREML_MODEL_DIR when init() runs."
          errors={err("model")}
        />
      </fieldset>

      <fieldset className="grid gap-4 sm:grid-cols-2">
        <legend className="mb-2 text-sm font-semibold">Settings (Azure ML&apos;s defaults)</legend>
        {NUMBERS.map(([key, label, fallback]) => (
          <TextField
            key={key}
            label={label}
            name={key}
            type="number"
            defaultValue={dflt(key, fallback)}
            hint={help[key]}
            errors={err(`settings.${key}`)}
          />
        ))}
        <SelectField
          label="Output action"
          name="outputAction"
          defaultValue={initial?.settings.outputAction}
          options={[
            { value: "append_row", label: "append_row: one merged file" },
            { value: "summary_only", label: "summary_only: no predictions file" },
          ]}
          hint={help.outputAction}
        />
        <TextField
          label="Output file name"
          name="outputFileName"
          defaultValue={initial?.settings.outputFileName ?? "predictions.csv"}
          hint={help.outputFileName}
          errors={err("settings.outputFileName")}
        />
        <SelectField
          label="Logging level"
          name="loggingLevel"
          defaultValue={initial?.settings.loggingLevel ?? "info"}
          options={["debug", "info", "warning", "error"].map((l) => ({ value: l, label: l }))}
          hint={help.loggingLevel}
        />
        <label className="flex items-start gap-2 text-sm sm:col-span-2">
          <input
            type="checkbox"
            name="supportsExplanations"
            className="mt-0.5"
            defaultChecked={initial?.settings.supportsExplanations ?? false}
          />
          <span>
            Supports explanations
            <span className="block text-xs text-zinc-500">{help.supportsExplanations}</span>
          </span>
        </label>
      </fieldset>

      {runtime === "python" ? (
        <fieldset className="grid gap-4 sm:grid-cols-2">
          <legend className="mb-2 text-sm font-semibold">Python environment</legend>
          <p className="text-xs text-zinc-600 sm:col-span-2 dark:text-zinc-400">
            Optional: a virtual environment is built from the file (on the server&apos;s python, whose packages stay visible) before the
            first job runs. Pick a file among the code files; its build log shows on this deployment and on its jobs.
          </p>
          {ENV_FILES.map(([key, label, pattern]) => (
            <SelectField
              key={key}
              label={label}
              name={`environment.${key}`}
              defaultValue={initial?.environment?.[key] ?? ""}
              options={envChoices(key, pattern)}
              hint={help[`environment.${key}`]}
              errors={err(`environment.${key}`) ?? (key === "condaFile" ? err("environment") : undefined)}
            />
          ))}
        </fieldset>
      ) : null}

      <fieldset className="grid gap-4 sm:grid-cols-2">
        <legend className="mb-2 text-sm font-semibold">Sandbox limits</legend>
        <p className="text-xs text-zinc-600 sm:col-span-2 dark:text-zinc-400">
          Each worker runs in a sandbox with these limits. Leave a field empty for the default; a worker that crosses one fails its
          mini-batch with a message naming the limit.
        </p>
        {LIMITS.map(([key, r]) => (
          <TextField
            key={key}
            label={r.label}
            name={`sandboxSettings.${key}`}
            type="number"
            min={r.min}
            max={r.max}
            step={1}
            defaultValue={sandbox[key] ?? ""}
            placeholder={`default ${DEFAULT_SANDBOX_SETTINGS[key]}`}
            hint={`${help[`sandboxSettings.${key}`] ?? ""} Allowed: ${r.min.toLocaleString("en-US")} to ${r.max.toLocaleString("en-US")}.`.trim()}
            errors={err(`settings.sandboxSettings.${key}`)}
          />
        ))}
        <div className="space-y-1 sm:col-span-2">
          <label className="flex items-center gap-2 text-sm">
            <input
              type="checkbox"
              id="sandboxSettings.allowNetwork"
              name="sandboxSettings.allowNetwork"
              defaultChecked={sandbox.allowNetwork === true}
              aria-describedby="sandboxSettings.allowNetwork-hint"
            />{" "}
            Allow outbound network
          </label>
          <p id="sandboxSettings.allowNetwork-hint" className="text-xs text-zinc-500">
            {help["sandboxSettings.allowNetwork"]}
          </p>
        </div>
      </fieldset>

      <div className="space-y-1.5">
        <label htmlFor="environmentVariables" className="block text-sm font-medium">
          Environment variables
        </label>
        <textarea
          id="environmentVariables"
          name="environmentVariables"
          rows={3}
          aria-invalid={err("settings.environmentVariables")?.length ? true : undefined}
          defaultValue={
            initial
              ? Object.entries(initial.settings.environmentVariables)
                  .map(([k, v]) => `${k}=${v}`)
                  .join("\n")
              : undefined
          }
          placeholder={"THRESHOLD=0.8\nAPI_KEY=..."}
          className="block w-full rounded-md border border-zinc-300 bg-white px-3 py-2 font-mono text-sm dark:border-zinc-700 dark:bg-zinc-900"
        />
        <p className="text-xs text-zinc-500">
          One KEY=value per line. {help.environmentVariables}
          {initial ? " Leave ******** to keep a saved value." : ""}
        </p>
        {err("settings.environmentVariables")?.length ? (
          <p className="text-sm text-red-600" role="alert">
            {err("settings.environmentVariables")!.join(" ")}
          </p>
        ) : null}
      </div>

      <label className="flex items-center gap-2 text-sm">
        <input type="checkbox" name="setDefault" defaultChecked={!initial && firstDeployment} /> Make this the endpoint&apos;s default
        deployment
      </label>

      <ErrorSummary items={summary} />
      <div className="flex gap-2">
        <Button type="submit" disabled={isPending}>
          {isPending ? "Saving…" : initial ? "Save changes" : "Create deployment"}
        </Button>
        <ButtonLink variant="secondary" href={`/w/${slug}/endpoints/${endpoint}`}>
          Cancel
        </ButtonLink>
      </div>
    </form>
  );
}
