import { SelectField } from "@/components/ui/field";
import type { DeploymentInitial } from "./deployment-fields";

type FieldErrors = (field: string) => string[] | undefined;

/** The scoring code files (read in the browser), the scoring script among them, and the model. */
export function CodeAndModelFieldset({
  initial,
  models,
  files,
  setFiles,
  script,
  setScript,
  scripts,
  err,
}: {
  initial?: DeploymentInitial;
  models: string[];
  files: Record<string, string>;
  setFiles: (files: Record<string, string>) => void;
  script: string;
  setScript: (script: string) => void;
  scripts: string[];
  err: FieldErrors;
}) {
  return (
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
  );
}
