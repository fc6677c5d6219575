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
import { createDeploymentAction, updateDeploymentAction } from "../../../actions";
import { CodeAndModelFieldset } from "../_components/code-and-model-fieldset";
import { DeploymentBasicsFieldset } from "../_components/deployment-basics-fieldset";
import { type DeploymentInitial, FIELDS, fieldFor, LIMITS } from "../_components/deployment-fields";
import { EnvironmentVariablesField } from "../_components/environment-variables-field";
import { PythonEnvironmentFieldset } from "../_components/python-environment-fieldset";
import { SandboxLimitsFieldset } from "../_components/sandbox-limits-fieldset";
import { SettingsFieldset } from "../_components/settings-fieldset";

export type { DeploymentInitial } from "../_components/deployment-fields";

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
      <DeploymentBasicsFieldset initial={initial} runtime={runtime} setRuntime={setRuntime} err={err} />

      <CodeAndModelFieldset
        initial={initial}
        models={models}
        files={files}
        setFiles={setFiles}
        script={script}
        setScript={setScript}
        scripts={scripts}
        err={err}
      />

      <SettingsFieldset initial={initial} help={help} dflt={dflt} err={err} />

      {runtime === "python" ? <PythonEnvironmentFieldset initial={initial} help={help} envChoices={envChoices} err={err} /> : null}

      <SandboxLimitsFieldset help={help} sandbox={sandbox} err={err} />

      <EnvironmentVariablesField initial={initial} help={help} err={err} />

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
