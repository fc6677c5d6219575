import { SelectField, TextField } from "@/components/ui/field";
import { type DeploymentInitial, NUMBERS } from "./deployment-fields";

type FieldErrors = (field: string) => string[] | undefined;

/** Azure ML's batch deployment settings, with its defaults. */
export function SettingsFieldset({
  initial,
  help,
  dflt,
  err,
}: {
  initial?: DeploymentInitial;
  help: Record<string, string>;
  dflt: (key: string, fallback: number) => number;
  err: FieldErrors;
}) {
  return (
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
  );
}
