"use client";

import { parseKeyValueLines } from "@/components/forms/key-value";
import { SelectField, TextField } from "@/components/ui/field";

const DELIMITERS = [
  { value: "", label: "Comma (,)" },
  { value: ";", label: "Semicolon (;)" },
  { value: "tab", label: "Tab" },
  { value: "|", label: "Pipe (|)" },
];
const ENCODINGS = [
  { value: "", label: "UTF-8" },
  { value: "utf-16", label: "UTF-16" },
  { value: "latin-1", label: "Latin-1 (ISO-8859-1)" },
  { value: "cp1252", label: "Windows-1252" },
];

/** The row controls of the form, in the invoke body's names; only what the user set. */
export function rowOptionsFromForm(f: FormData): Record<string, unknown> {
  const text = (k: string) => String(f.get(k) ?? "").trim();
  const out: Record<string, unknown> = {};
  const columns = text("passthroughColumns")
    .split(",")
    .map((c) => c.trim())
    .filter(Boolean);
  if (f.get("passthroughAll") === "on") out.passthroughColumnsSet = "all";
  else if (columns.length) out.passthroughColumns = columns;
  const csv: Record<string, string> = {};
  if (text("delimiter")) csv.delimiter = text("delimiter");
  if (text("quotechar")) csv.quotechar = text("quotechar");
  if (text("encoding")) csv.encoding = text("encoding");
  if (Object.keys(csv).length) out.csvSettings = csv;
  const remap = parseKeyValueLines(String(f.get("columnNamesRemapping") ?? ""));
  if (remap.length) out.columnNamesRemapping = Object.fromEntries(remap.map(([k, v]) => [k, v === "" ? null : v]));
  if (f.get("includePredictionStatus") === "on") out.includePredictionStatus = true;
  return out;
}

/** DataRobot's tabular scoring controls, folded away: they apply to the kinds whose module declares a rowFormat (`types`). */
export function TabularOptionsFields({ err, types }: { err: (field: string) => string[] | undefined; types: string }) {
  const fields = ["passthroughColumns", "passthroughColumnsSet", "csvSettings", "columnNamesRemapping", "includePredictionStatus"];
  const open = fields.some((k) => err(k) || err(`${k}.delimiter`) || err(`${k}.quotechar`) || err(`${k}.encoding`));
  return (
    <details open={open || undefined} className="rounded-md border border-zinc-200 p-4 dark:border-zinc-800">
      <summary className="cursor-pointer text-sm font-semibold">Advanced tabular options</summary>
      <p className="mt-2 text-xs text-zinc-500">
        For {types} input. The platform joins the columns to each output row and writes the file in the same dialect; the scoring script
        does not change.
      </p>
      <div className="mt-4 grid gap-4 sm:grid-cols-2">
        <TextField
          label="Passthrough columns"
          name="passthroughColumns"
          placeholder="id, customer"
          hint="Input columns copied to each output row, in the input's order. Comma-separated."
          errors={err("passthroughColumns") ?? err("passthroughColumnsSet")}
        />
        <label className="flex items-center gap-2 self-center text-sm">
          <input type="checkbox" name="passthroughAll" /> Pass through every input column
        </label>
        <SelectField label="Delimiter" name="delimiter" options={DELIMITERS} errors={err("csvSettings.delimiter")} />
        <TextField label="Quote character" name="quotechar" placeholder={'"'} maxLength={1} errors={err("csvSettings.quotechar")} />
        <SelectField
          label="Encoding"
          name="encoding"
          options={ENCODINGS}
          hint="Used to read the input and to write the output."
          errors={err("csvSettings.encoding") ?? err("csvSettings")}
        />
        <label className="flex items-center gap-2 self-center text-sm">
          <input type="checkbox" name="includePredictionStatus" /> Add a prediction_status column (OK, or the row&apos;s error)
        </label>
        <div className="space-y-1.5 sm:col-span-2">
          <label htmlFor="columnNamesRemapping" className="block text-sm font-medium">
            Rename output columns
          </label>
          <textarea
            id="columnNamesRemapping"
            name="columnNamesRemapping"
            rows={2}
            placeholder={"prediction=score\ninternal_id="}
            aria-describedby="columnNamesRemapping-hint"
            className="block w-full rounded-md border border-zinc-300 bg-white px-3 py-2 font-mono text-sm dark:border-zinc-700 dark:bg-zinc-900"
          />
          <p id="columnNamesRemapping-hint" className="text-xs text-zinc-500">
            One old=new per line; old= (nothing after =) drops the column.
          </p>
          {err("columnNamesRemapping") && <p className="text-xs text-red-600">{err("columnNamesRemapping")?.join(" ")}</p>}
        </div>
      </div>
    </details>
  );
}
