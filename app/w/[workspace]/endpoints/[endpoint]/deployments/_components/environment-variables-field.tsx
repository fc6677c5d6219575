import type { DeploymentInitial } from "./deployment-fields";

type FieldErrors = (field: string) => string[] | undefined;

/** The deployment's environment variables, one KEY=value per line; saved secrets show masked. */
export function EnvironmentVariablesField({
  initial,
  help,
  err,
}: {
  initial?: DeploymentInitial;
  help: Record<string, string>;
  err: FieldErrors;
}) {
  return (
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
  );
}
