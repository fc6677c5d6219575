import { SelectField, TextField } from "@/components/ui/field";
import type { DeploymentInitial } from "./deployment-fields";

type FieldErrors = (field: string) => string[] | undefined;

/** Name, description, runtime and interpreter; name and runtime are fixed once the deployment exists. */
export function DeploymentBasicsFieldset({
  initial,
  runtime,
  setRuntime,
  err,
}: {
  initial?: DeploymentInitial;
  runtime: string;
  setRuntime: (runtime: string) => void;
  err: FieldErrors;
}) {
  return (
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
  );
}
