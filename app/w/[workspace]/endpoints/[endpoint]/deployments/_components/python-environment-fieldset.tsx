import { SelectField } from "@/components/ui/field";
import { type DeploymentInitial, ENV_FILES } from "./deployment-fields";

type FieldErrors = (field: string) => string[] | undefined;

/** The conda or requirements file a venv is built from, picked among the code files. */
export function PythonEnvironmentFieldset({
  initial,
  help,
  envChoices,
  err,
}: {
  initial?: DeploymentInitial;
  help: Record<string, string>;
  envChoices: (key: "condaFile" | "requirementsFile", pattern: RegExp) => { value: string; label: string }[];
  err: FieldErrors;
}) {
  return (
    <fieldset className="grid gap-4 sm:grid-cols-2">
      <legend className="mb-2 text-sm font-semibold">Python environment</legend>
      <p className="text-xs text-zinc-600 sm:col-span-2 dark:text-zinc-400">
        Optional: a virtual environment is built from the file (on the server&apos;s python, whose packages stay visible) before the first
        job runs. Pick a file among the code files; its build log shows on this deployment and on its jobs.
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
  );
}
