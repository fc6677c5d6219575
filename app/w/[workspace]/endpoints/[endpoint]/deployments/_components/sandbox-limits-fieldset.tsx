import { TextField } from "@/components/ui/field";
import { DEFAULT_SANDBOX_SETTINGS } from "@/lib/scoring/sandbox-settings";
import { type DeploymentInitial, LIMITS } from "./deployment-fields";

type FieldErrors = (field: string) => string[] | undefined;

/** The sandbox's limits per worker; an empty field is the default. */
export function SandboxLimitsFieldset({
  help,
  sandbox,
  err,
}: {
  help: Record<string, string>;
  sandbox: NonNullable<DeploymentInitial["settings"]["sandboxSettings"]>;
  err: FieldErrors;
}) {
  return (
    <fieldset className="grid gap-4 sm:grid-cols-2">
      <legend className="mb-2 text-sm font-semibold">Sandbox limits</legend>
      <p className="text-xs text-zinc-600 sm:col-span-2 dark:text-zinc-400">
        Each worker runs in a sandbox with these limits. Leave a field empty for the default; a worker that crosses one fails its mini-batch
        with a message naming the limit.
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
  );
}
