import { parse as parseYaml } from "yaml";
import { invokeInputTypes } from "./api-types";
import { UsageError } from "./errors";

/**
 * The data input types the server takes, from the generated contract (the invoke body's `input.type`
 * enum): Azure's uri_folder and uri_file, and Batchpoint's row kinds (tabular, jsonl, …). A new kind on
 * the server reaches the CLI with `npm run gen:api-types`.
 */
export const DATA_INPUT_TYPES = invokeInputTypes;
export type DataInput = { type: (typeof DATA_INPUT_TYPES)[number]; path: string };
export function isDataInput(input: { type: string }): input is DataInput {
  return (DATA_INPUT_TYPES as readonly string[]).includes(input.type);
}
/** "uri_folder, uri_file, tabular or jsonl" */
export function dataInputTypeWords(last: "or" | "and" = "or"): string {
  return `${DATA_INPUT_TYPES.slice(0, -1).join(", ")} ${last} ${DATA_INPUT_TYPES[DATA_INPUT_TYPES.length - 1]}`;
}
// `float` is Azure's name for `number`; both are sent as given (the server takes both).
export type LiteralInput = { type: "string" | "integer" | "number" | "float" | "boolean"; value: string | number | boolean };
const LITERAL_TYPES = ["string", "integer", "number", "float", "boolean"] as const;
export type JobInput = DataInput | LiteralInput;

const INPUT_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const DATASTORE_PATH = /^(?:azureml:\/\/)?datastores\/[^/]+\/paths\//;

/** A literal as typed on the command line: true/false, integers and numbers are parsed, the rest stays text. */
export function literalFromText(text: string): LiteralInput {
  const t = text.trim();
  if (/^(true|false)$/i.test(t)) return { type: "boolean", value: t.toLowerCase() === "true" };
  if (/^[-+]?\d+$/.test(t) && Number.isSafeInteger(Number(t))) return { type: "integer", value: Number(t) };
  if (/^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(t)) return { type: "number", value: Number(t) };
  return { type: "string", value: text };
}

/** `--set k=v` (also `inputs.k=v`, as in az ml) → a literal input. */
export function parseSet(assignment: string): [string, LiteralInput] {
  const eq = assignment.indexOf("=");
  if (eq <= 0) throw new UsageError(`--set expects NAME=VALUE, not '${assignment}'.`);
  const name = assignment
    .slice(0, eq)
    .trim()
    .replace(/^inputs\./, "");
  if (!INPUT_NAME.test(name))
    throw new UsageError(`--set: '${name}' is not an input name (letters, digits and '_', not starting with a digit).`);
  return [name, literalFromText(assignment.slice(eq + 1))];
}

/**
 * What kind of thing `--input` names: a datastore path, a data asset (`azureml:name@latest`,
 * `azureml:name:version`) or a URL goes to the API as it is, anything else is a local path.
 */
export function classifyInput(value: string): "datastore" | "asset" | "url" | "local" {
  if (DATASTORE_PATH.test(value.trim())) return "datastore";
  if (/^azureml:(?!\/\/)[A-Za-z0-9][A-Za-z0-9_.-]*(@latest|:[A-Za-z0-9_.-]+)$/.test(value.trim())) return "asset";
  if (/^azureml:/.test(value.trim())) return "datastore";
  if (/^https?:\/\//i.test(value.trim())) return "url";
  return "local";
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function literal(name: string, type: LiteralInput["type"], value: unknown): LiteralInput {
  if (value === undefined || value === null) throw new UsageError(`inputs.${name}: give a value (or default).`);
  switch (type) {
    case "boolean":
      if (typeof value === "boolean") return { type, value };
      if (/^(true|false)$/i.test(String(value))) return { type, value: String(value).toLowerCase() === "true" };
      break;
    case "integer":
      if (Number.isInteger(Number(value)) && String(value).trim() !== "") return { type, value: Number(value) };
      break;
    case "number":
    case "float":
      if (Number.isFinite(Number(value)) && String(value).trim() !== "") return { type, value: Number(value) };
      break;
    case "string":
      return { type, value: String(value) };
  }
  throw new UsageError(`inputs.${name}: '${String(value)}' is not a ${type}.`);
}

export interface InvokeFile {
  inputs: Record<string, JobInput>;
  output?: { path: string; fileName?: string };
  /** The `tabular:` section: row controls in the API's names (see rowOptionsOf). */
  rowOptions?: RowOptions;
  /** Keys of the file Batchpoint does not act on (dotted paths), for the one note. */
  unread: string[];
}

/** Row controls of tabular and jsonl input, as the invoke body names them. */
export interface RowOptions {
  passthroughColumns?: string[];
  passthroughColumnsSet?: "all";
  csvSettings?: { delimiter?: string; quotechar?: string; encoding?: string };
  columnNamesRemapping?: Record<string, string | null>;
  includePredictionStatus?: boolean;
}

const ROW_KEYS: Record<string, keyof RowOptions> = {
  passthrough_columns: "passthroughColumns",
  passthroughColumns: "passthroughColumns",
  passthrough_columns_set: "passthroughColumnsSet",
  passthroughColumnsSet: "passthroughColumnsSet",
  csv_settings: "csvSettings",
  csvSettings: "csvSettings",
  column_names_remapping: "columnNamesRemapping",
  columnNamesRemapping: "columnNamesRemapping",
  include_prediction_status: "includePredictionStatus",
  includePredictionStatus: "includePredictionStatus",
};
const CSV_KEYS = ["delimiter", "quotechar", "encoding"];

/**
 * The `tabular:` section of an invoke file (snake_case or the API's camelCase). Unknown keys are
 * usage errors naming the known ones; values are checked by the server (a 400 names the field).
 */
export function rowOptionsOf(raw: unknown): RowOptions | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (!isRecord(raw)) throw new UsageError("tabular: must be a mapping (passthrough_columns, csv_settings, ...).");
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(raw)) {
    const key = ROW_KEYS[k];
    if (!key)
      throw new UsageError(
        `tabular.${k} is not a known setting; use passthrough_columns, passthrough_columns_set, csv_settings, column_names_remapping or include_prediction_status.`,
      );
    if (key === "csvSettings") {
      if (!isRecord(v)) throw new UsageError("tabular.csv_settings: must be a mapping with delimiter, quotechar and/or encoding.");
      for (const c of Object.keys(v))
        if (!CSV_KEYS.includes(c)) throw new UsageError(`tabular.csv_settings.${c} is not a known setting; use ${CSV_KEYS.join(", ")}.`);
    }
    if (key === "passthroughColumns" && (!Array.isArray(v) || v.some((c) => typeof c !== "string")))
      throw new UsageError("tabular.passthrough_columns: give a list of column names.");
    out[key] = v;
  }
  return out as RowOptions;
}

/**
 * Reads an Azure-style invoke file: `inputs:` with data inputs `{ type: uri_folder|uri_file, path }` and
 * literal inputs `{ type, value|default }` or plain scalars; `outputs:` with one uri_folder/uri_file.
 */
export function parseInvokeFile(text: string): InvokeFile {
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (e) {
    throw new UsageError(`the inputs file is not valid YAML: ${(e as Error).message.split("\n")[0]}`);
  }
  if (!isRecord(doc)) throw new UsageError("the inputs file must be a YAML mapping with inputs: (and optionally outputs:).");
  const rowOptions = rowOptionsOf(doc.tabular);
  const inputs: Record<string, JobInput> = {};
  const raw = doc.inputs ?? {};
  if (!isRecord(raw)) throw new UsageError("inputs: must be a mapping of input names.");
  const unread = Object.keys(doc)
    .filter((k) => !["$schema", "inputs", "outputs", "tabular"].includes(k))
    .map(String);
  for (const [name, v] of Object.entries(raw)) {
    if (!INPUT_NAME.test(name)) throw new UsageError(`inputs.${name}: input names use letters, digits and '_'.`);
    if (isRecord(v))
      unread.push(
        ...Object.keys(v)
          .filter((k) => !["type", "path", "value", "default"].includes(k))
          .map((k) => `inputs.${name}.${k}`),
      );
    if (!isRecord(v)) {
      if (v === null || typeof v === "object") throw new UsageError(`inputs.${name}: give a value or a mapping with type and path/value.`);
      inputs[name] = literalFromText(String(v));
      continue;
    }
    const type = String(v.type ?? (v.path !== undefined ? "uri_folder" : "string"));
    if (isDataInput({ type })) {
      if (typeof v.path !== "string" || !v.path.trim()) throw new UsageError(`inputs.${name}: a ${type} input needs a path.`);
      inputs[name] = { type: type as DataInput["type"], path: v.path };
    } else if ((LITERAL_TYPES as readonly string[]).includes(type)) {
      inputs[name] = literal(name, type as LiteralInput["type"], v.value ?? v.default);
    } else {
      throw new UsageError(
        `inputs.${name}: type '${type}' is not supported; use ${[...DATA_INPUT_TYPES, ...LITERAL_TYPES.slice(0, -1)].join(", ")} or ${LITERAL_TYPES[LITERAL_TYPES.length - 1]}.`,
      );
    }
  }
  let output: InvokeFile["output"];
  const outs = doc.outputs;
  if (outs !== undefined && outs !== null) {
    if (!isRecord(outs)) throw new UsageError("outputs: must be a mapping with one output.");
    const entries = Object.values(outs).filter(isRecord);
    if (entries.length > 1) throw new UsageError("outputs: a batch job writes one output; give one entry.");
    const out = entries[0];
    for (const [oname, o] of Object.entries(outs))
      if (isRecord(o))
        unread.push(
          ...Object.keys(o)
            .filter((k) => !["type", "path"].includes(k))
            .map((k) => `outputs.${oname}.${k}`),
        );
    if (out && typeof out.path === "string") {
      output = out.type === "uri_file" ? splitFilePath(out.path) : { path: out.path };
    }
  }
  return { inputs, output, ...(rowOptions ? { rowOptions } : {}), unread };
}

/** ".../paths/out/predictions.csv" → the folder and the file name. */
export function splitFilePath(p: string): { path: string; fileName: string } {
  const i = p.lastIndexOf("/");
  if (i < 0 || i === p.length - 1) throw new UsageError(`'${p}' is not a file path.`);
  return { path: p.slice(0, i + 1), fileName: p.slice(i + 1) };
}

/** The job settings `az ml batch-endpoint invoke --set` takes, and the API's names for them. */
const INVOKE_SETTINGS: Record<string, { key: string; kind: "int" | "string" | "level" }> = {
  output_file_name: { key: "outputFileName", kind: "string" },
  mini_batch_size: { key: "miniBatchSize", kind: "int" },
  instance_count: { key: "instanceCount", kind: "int" },
  max_retries: { key: "maxRetries", kind: "int" },
  "retry_settings.max_retries": { key: "maxRetries", kind: "int" },
  timeout: { key: "timeout", kind: "int" },
  "retry_settings.timeout": { key: "timeout", kind: "int" },
  error_threshold: { key: "errorThreshold", kind: "int" },
  logging_level: { key: "loggingLevel", kind: "level" },
  display_name: { key: "displayName", kind: "string" },
};
const LEVELS = ["debug", "info", "warning", "error"];

export interface InvokeSets {
  /** API names: outputFileName, miniBatchSize, instanceCount, maxRetries, timeout, errorThreshold, loggingLevel, environmentVariables */
  settings: Record<string, unknown>;
  /** literal inputs (`inputs.x=1`) and data inputs (`inputs.x.path=...`, `inputs.x.type=...`) */
  inputs: Record<string, { type?: string; path?: string; value?: LiteralInput }>;
  /** `outputs.<name>.path` / `.type` */
  outputs: Record<string, { path?: string; type?: string }>;
}

/** Levenshtein distance, for "did you mean" on a mistyped --set key. */
export function distance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++)
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
  return d[a.length][b.length];
}

const KNOWN_SET_KEYS = [
  ...Object.keys(INVOKE_SETTINGS),
  "environment_variables.NAME",
  "tags.KEY",
  "inputs.NAME",
  "inputs.NAME.path",
  "inputs.NAME.type",
  "inputs.NAME.value",
  "outputs.NAME.path",
  "outputs.NAME.type",
];

function unknownKey(key: string): UsageError {
  const candidates = [...Object.keys(INVOKE_SETTINGS), "environment_variables", "tags", "inputs", "outputs"];
  const best = candidates.map((c) => [c, distance(key.toLowerCase(), c)] as const).sort((a, b) => a[1] - b[1])[0];
  const hint = best && best[1] <= Math.max(2, Math.floor(key.length / 4)) ? ` Did you mean '${best[0]}'?` : "";
  return new UsageError(
    `--set: unknown key '${key}'.${hint} Known keys: ${KNOWN_SET_KEYS.join(", ")}. A literal input is --set inputs.NAME=VALUE.`,
  );
}

/**
 * `az ml batch-endpoint invoke --set KEY=VALUE`: Azure's job settings (output_file_name, mini_batch_size,
 * instance_count, max_retries, timeout, error_threshold, logging_level, environment_variables.X), the job's
 * display_name and tags.KEY,
 * `inputs.<name>[.path|.type|.value]` and `outputs.<name>.path|type`. Any other key is a usage error, so a
 * typo never becomes a literal input.
 */
export function parseInvokeSets(assignments: string[] = []): InvokeSets {
  const out: InvokeSets = { settings: {}, inputs: {}, outputs: {} };
  for (const assignment of assignments) {
    const eq = assignment.indexOf("=");
    if (eq <= 0) throw new UsageError(`--set expects NAME=VALUE, not '${assignment}'.`);
    const key = assignment.slice(0, eq).trim();
    const value = assignment.slice(eq + 1);
    const def = INVOKE_SETTINGS[key];
    if (def) {
      if (def.kind === "int") {
        if (!/^[-+]?\d+$/.test(value.trim())) throw new UsageError(`--set ${key}: '${value}' is not a whole number.`);
        out.settings[def.key] = Number(value);
      } else if (def.kind === "level") {
        const level = value.trim().toLowerCase();
        if (!LEVELS.includes(level)) throw new UsageError(`--set ${key}: use one of ${LEVELS.join(", ")}, not '${value}'.`);
        out.settings[def.key] = level;
      } else {
        if (!value.trim()) throw new UsageError(`--set ${key}: give a value.`);
        out.settings[def.key] = value.trim();
      }
      continue;
    }
    const parts = key.split(".");
    if (parts[0] === "environment_variables" && parts.length === 2) {
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(parts[1]))
        throw new UsageError(`--set ${key}: variable names use letters, digits and '_', not starting with a digit.`);
      const env = (out.settings.environmentVariables ??= {}) as Record<string, string>;
      env[parts[1]] = value;
      continue;
    }
    if (parts[0] === "tags" && parts.length === 2) {
      if (!/^[A-Za-z0-9_.-]{1,64}$/.test(parts[1])) throw new UsageError(`--set ${key}: tag names use letters, digits, '_', '-' and '.'.`);
      const tags = (out.settings.tags ??= {}) as Record<string, string>;
      tags[parts[1]] = value;
      continue;
    }
    if ((parts[0] === "inputs" || parts[0] === "outputs") && (parts.length === 2 || parts.length === 3)) {
      const name = parts[1];
      if (!INPUT_NAME.test(name))
        throw new UsageError(`--set ${key}: '${name}' is not an input name (letters, digits and '_', not starting with a digit).`);
      const field = parts[2];
      if (parts[0] === "outputs") {
        if (field !== "path" && field !== "type") throw unknownKey(key);
        (out.outputs[name] ??= {})[field] = value.trim();
        continue;
      }
      const entry = (out.inputs[name] ??= {});
      if (field === undefined || field === "value") entry.value = literalFromText(value);
      else if (field === "path" || field === "type") entry[field] = value.trim();
      else throw unknownKey(key);
      continue;
    }
    throw unknownKey(key);
  }
  return out;
}
