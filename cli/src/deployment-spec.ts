import { parse as parseYaml } from "yaml";
import { UsageError } from "./errors";
import { distance } from "./invoke-inputs";

/** Where a deployment's model comes from: a registered version, or a local folder to register first. */
export type ModelSource = { kind: "ref"; ref: string } | { kind: "local"; path: string; name: string; version?: string };

/** An Azure-style deployment YAML, read into what the REST API needs (paths still relative to the YAML). */
export interface DeploymentSpec {
  name: string;
  endpointName?: string;
  description?: string;
  model?: ModelSource;
  codePath: string;
  scoringScript: string;
  runtime: "python" | "node";
  interpreter?: string;
  settings: Record<string, unknown>;
  /** Azure's environment.conda_file and Batchpoint's environment.requirements_file, relative to the YAML. */
  environment?: { condaFile?: string; requirementsFile?: string };
  /** one line per key that only makes sense on Azure and is ignored here */
  notes: string[];
}

// Batchpoint's own `settings.sandbox_settings` keys (no Azure counterpart, so a typo is an error, not a note).
const SANDBOX_KEYS: Record<string, { key: string; kind: "int" | "bool" }> = {
  allow_network: { key: "allowNetwork", kind: "bool" },
  memory_mib: { key: "memoryMiB", kind: "int" },
  processes: { key: "processes", kind: "int" },
  open_files: { key: "openFiles", kind: "int" },
  file_size_mib: { key: "fileSizeMiB", kind: "int" },
  cpu_seconds: { key: "cpuSeconds", kind: "int" },
};

/** `sandbox_settings:` (snake_case, like retry_settings) to the API's `sandboxSettings`; ranges are the server's to check. */
export function mapSandboxSettings(v: unknown, field: string): Record<string, unknown> {
  if (!isRecord(v)) throw new UsageError(`${field} must be a mapping, e.g. memory_mib: 4096.`);
  const out: Record<string, unknown> = {};
  for (const [k, value] of Object.entries(v)) {
    const def = SANDBOX_KEYS[k];
    if (!def) throw new UsageError(`${field}.${k} is not a sandbox setting; use ${Object.keys(SANDBOX_KEYS).join(", ")}.`);
    if (value === null || value === undefined) continue;
    if (def.kind === "int") out[def.key] = toInt(value, `${field}.${k}`);
    else if (typeof value === "boolean") out[def.key] = value;
    else throw new UsageError(`${field}.${k} must be true or false, not '${String(value)}'.`);
  }
  return out;
}

// Azure's snake_case settings keys and the API's camelCase names; numbers are checked here for a clear message.
const SETTING_KEYS: Record<string, { key: string; kind: "int" | "string" | "map" | "boolean" }> = {
  mini_batch_size: { key: "miniBatchSize", kind: "int" },
  instance_count: { key: "instanceCount", kind: "int" },
  max_concurrency_per_instance: { key: "maxConcurrencyPerInstance", kind: "int" },
  error_threshold: { key: "errorThreshold", kind: "int" },
  output_action: { key: "outputAction", kind: "string" },
  output_file_name: { key: "outputFileName", kind: "string" },
  logging_level: { key: "loggingLevel", kind: "string" },
  environment_variables: { key: "environmentVariables", kind: "map" },
  // Batchpoint's own (Modzy's explainable models): jobs may ask for explain: true.
  supports_explanations: { key: "supportsExplanations", kind: "boolean" },
};

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function toInt(value: unknown, field: string): number {
  const n = typeof value === "string" && value.trim() !== "" ? Number(value) : value;
  if (typeof n !== "number" || !Number.isInteger(n)) throw new UsageError(`${field} must be a whole number, not '${String(value)}'.`);
  return n;
}

/** Azure's output actions are spelled append_row / summary_only; the CLI also accepts AppendRow / SummaryOnly. */
function normalizeEnum(value: string): string {
  return value.replace(/([a-z])([A-Z])/g, "$1_$2").toLowerCase();
}

/** Maps Azure's `settings:` block (snake_case) to the API's camelCase settings. */
export function mapSettings(settings: unknown, notes: string[] = [], prefix = "settings."): Record<string, unknown> {
  if (settings === undefined || settings === null) return {};
  if (!isRecord(settings)) throw new UsageError("settings must be a mapping of Azure's keys, e.g. mini_batch_size: 10.");
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(settings)) {
    if (v === null || v === undefined) continue;
    if (k === "sandbox_settings") {
      out.sandboxSettings = mapSandboxSettings(v, `${prefix}sandbox_settings`);
      continue;
    }
    if (k === "retry_settings") {
      if (!isRecord(v)) throw new UsageError("settings.retry_settings must be a mapping with max_retries and timeout.");
      const retry: Record<string, number> = {};
      if (v.max_retries !== undefined) retry.maxRetries = toInt(v.max_retries, `${prefix}retry_settings.max_retries`);
      if (v.timeout !== undefined) retry.timeout = toInt(v.timeout, `${prefix}retry_settings.timeout`);
      for (const extra of Object.keys(v).filter((x) => x !== "max_retries" && x !== "timeout"))
        notes.push(`${prefix}retry_settings.${extra}`);
      out.retrySettings = retry;
      continue;
    }
    const def = SETTING_KEYS[k];
    if (!def) {
      notes.push(`${prefix}${k}`);
      continue;
    }
    if (def.kind === "int") out[def.key] = toInt(v, `${prefix}${k}`);
    else if (def.kind === "boolean") {
      if (typeof v !== "boolean") throw new UsageError(`${prefix}${k} must be true or false, not '${String(v)}'.`);
      out[def.key] = v;
    } else if (def.kind === "map") {
      if (!isRecord(v)) throw new UsageError(`${prefix}${k} must be a mapping of NAME: value.`);
      out[def.key] = Object.fromEntries(Object.entries(v).map(([name, value]) => [name, value === null ? "" : String(value)]));
    } else out[def.key] = k === "output_action" || k === "logging_level" ? normalizeEnum(String(v)) : String(v);
  }
  return out;
}

function isLocalPath(value: string): boolean {
  return /^(\.{1,2}\/|\/|~\/)/.test(value) || value === "." || value.includes("/") || value.includes("\\");
}

/** "azureml:name:version", "azureml:name@latest", "name:version", "name" → the API's "name[:version]". */
export function modelRef(value: string): string {
  const ref = value.trim().replace(/^azureml:/, "");
  return ref.endsWith("@latest") ? ref.slice(0, -"@latest".length) : ref;
}

function modelNameFromPath(p: string): string {
  const base =
    p
      .replace(/[\\/]+$/, "")
      .split(/[\\/]/)
      .pop() ?? "";
  const name = base
    .replace(/[^A-Za-z0-9-]+/g, "-")
    .replace(/^[^A-Za-z]+/, "")
    .slice(0, 32);
  return name.length >= 3 ? name : `model-${name}`.slice(0, 32);
}

function modelSource(model: unknown): ModelSource | undefined {
  if (model === undefined || model === null || model === "") return undefined;
  if (typeof model === "string") {
    if (model.startsWith("azureml:") || !isLocalPath(model)) return { kind: "ref", ref: modelRef(model) };
    return { kind: "local", path: model, name: modelNameFromPath(model) };
  }
  if (isRecord(model)) {
    const name = typeof model.name === "string" ? model.name : undefined;
    const version = model.version === undefined || model.version === null ? undefined : String(model.version);
    if (typeof model.path === "string") return { kind: "local", path: model.path, name: name ?? modelNameFromPath(model.path), version };
    if (name) return { kind: "ref", ref: version ? `${name}:${version}` : name };
  }
  throw new UsageError("model must be a local folder, name:version, azureml:name:version, or a mapping with name/version or path.");
}

// The settings an older `batchDeployment.schema.json` file puts at the top level instead of under `settings:`.
const TOP_LEVEL_SETTINGS = [...Object.keys(SETTING_KEYS), "retry_settings", "sandbox_settings"];
// Keys of the file Batchpoint reads; everything else is named in the one note.
const READ_KEYS = new Set([
  "$schema",
  "name",
  "endpoint_name",
  "description",
  "type",
  "model",
  "code_configuration",
  "runtime",
  "interpreter",
  "settings",
  "resources",
  "environment",
  ...TOP_LEVEL_SETTINGS,
]);
const WHY: Record<string, string> = {
  environment:
    "a registered environment is not used: give the environment inline with conda_file (its pip section is installed) or requirements_file",
  "environment.image": "scoring runs with the server's python and its packages, plus what conda_file's pip section installs",
  compute: "Batchpoint needs no compute cluster",
};

/** The environment block: conda_file and requirements_file are read; a registered environment or an image is noted. */
function environmentOf(v: unknown, unread: string[]): DeploymentSpec["environment"] {
  if (v === undefined || v === null) return undefined;
  if (typeof v === "string") {
    unread.push("environment");
    return undefined;
  }
  if (!isRecord(v)) throw new UsageError("environment must be a mapping with conda_file (or requirements_file), or azureml:name:version.");
  const out: NonNullable<DeploymentSpec["environment"]> = {};
  for (const [key, field] of [
    ["conda_file", "condaFile"],
    ["requirements_file", "requirementsFile"],
  ] as const) {
    const f = v[key];
    if (f === undefined || f === null) continue;
    if (typeof f !== "string" || !f.trim())
      throw new UsageError(`environment.${key} must be a file path, relative to the deployment file.`);
    out[field] = f.trim();
  }
  for (const k of Object.keys(v)) {
    if (k === "conda_file" || k === "requirements_file") continue;
    unread.push(k === "image" ? "environment.image" : `environment.${k}`);
  }
  return out.condaFile || out.requirementsFile ? out : undefined;
}

/** Every key of a mapping not in `known`, with its dotted path. */
function extraKeys(v: unknown, prefix: string, known: string[]): string[] {
  return isRecord(v)
    ? Object.keys(v)
        .filter((k) => !known.includes(k))
        .map((k) => `${prefix}.${k}`)
    : [];
}

export interface ParseDeploymentOptions {
  /** True when the deployment's local model folder holds an MLmodel file (an MLflow model). */
  modelIsMlflow?: boolean;
  /** az's `--set path=value` on create/update: each sets one key of the file before it is read. */
  sets?: string[];
}

// The keys of Azure's deployment schemas a `--set` may name (the ones Batchpoint does not act on are noted, as in the file).
const AZURE_DEPLOYMENT_KEYS = [...READ_KEYS, "compute", "tags", "properties", "code_configuration", "deployment_configuration"];
const SETTINGS_SET_KEYS = [...Object.keys(SETTING_KEYS), "retry_settings", "sandbox_settings"];

function nearest(key: string, candidates: string[]): string {
  const best = candidates.map((c) => [c, distance(key.toLowerCase(), c)] as const).sort((a, b) => a[1] - b[1])[0];
  return best && best[1] <= Math.max(2, Math.floor(key.length / 4)) ? ` Did you mean '${best[0]}'?` : "";
}

/**
 * Applies az's `--set path=value` (e.g. `settings.environment_variables.OPENAI_API_BASE=https://...`,
 * `settings.mini_batch_size=20`) to the parsed file. Values are read as YAML scalars (numbers, booleans, text).
 * A key outside Azure's deployment schema is a usage error naming the nearest one, never dropped.
 */
export function applyDeploymentSets(doc: Record<string, unknown>, sets: string[]): void {
  for (const assignment of sets) {
    const eq = assignment.indexOf("=");
    if (eq <= 0) throw new UsageError(`--set expects KEY=VALUE, not '${assignment}'.`);
    const key = assignment.slice(0, eq).trim();
    const raw = assignment.slice(eq + 1);
    const parts = key.split(".");
    if (parts.some((p) => !p)) throw new UsageError(`--set ${key}: the key has an empty part.`);
    if (!AZURE_DEPLOYMENT_KEYS.includes(parts[0]))
      throw new UsageError(`--set ${key}: '${parts[0]}' is not a key of a batch deployment.${nearest(parts[0], AZURE_DEPLOYMENT_KEYS)}`);
    if (parts[0] === "settings" && parts.length > 1 && !SETTINGS_SET_KEYS.includes(parts[1]))
      throw new UsageError(`--set ${key}: '${parts[1]}' is not a deployment setting.${nearest(parts[1], SETTINGS_SET_KEYS)}`);
    let value: unknown = raw;
    // environment_variables are text; anything else as YAML reads it (2 -> number, true -> boolean).
    if (!(parts[0] === "settings" && parts[1] === "environment_variables")) {
      try {
        value = raw.trim() === "" ? "" : parseYaml(raw);
      } catch {
        value = raw;
      }
    }
    let node: Record<string, unknown> = doc;
    for (const p of parts.slice(0, -1)) {
      const next = node[p];
      if (next === undefined || next === null) node[p] = {};
      else if (!isRecord(next)) throw new UsageError(`--set ${key}: '${p}' is not a mapping in the file, so it has no '${parts.at(-1)}'.`);
      node = node[p] as Record<string, unknown>;
    }
    node[parts[parts.length - 1]] = value;
  }
}

const NO_CODE_HELP =
  "Batchpoint runs a scoring script: add code_configuration with code (a folder) and scoring_script (a file with init() and run(mini_batch)) that loads the model, e.g. with mlflow.pyfunc.load_model(glob(os.environ['AZUREML_MODEL_DIR'] + '/*/')[0]) — see docs/from-azure-ml.md, \"MLflow models\".";

/** Reads an Azure ML batch deployment YAML (`az ml batch-deployment create --file`), new or older schema. */
export function parseDeploymentYaml(text: string, opts: ParseDeploymentOptions = {}): DeploymentSpec {
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (e) {
    throw new UsageError(`the deployment file is not valid YAML: ${(e as Error).message.split("\n")[0]}`);
  }
  if (!isRecord(doc)) throw new UsageError("the deployment file must be a YAML mapping with name, code_configuration, settings, ...");
  if (opts.sets?.length) applyDeploymentSets(doc, opts.sets);
  const type = doc.type === undefined || doc.type === null ? "model" : String(doc.type).toLowerCase();
  if (type === "pipeline" || doc.component !== undefined || doc.job_definition !== undefined) {
    throw new UsageError(
      "pipeline deployments (type: pipeline, component:) are not supported: Batchpoint runs one scoring script per deployment, not a pipeline of components. " +
        "Put the component's steps into a scoring script's init() and run(mini_batch) and deploy it with type: model and code_configuration; see docs/from-azure-ml.md, \"Pipeline deployments\".",
    );
  }
  if (type !== "model")
    throw new UsageError(`type must be model (the only kind of batch deployment Batchpoint runs), not '${String(doc.type)}'.`);

  const code = doc.code_configuration;
  if (code === undefined || code === null) {
    if (doc.model !== undefined && doc.model !== null) {
      throw new UsageError(
        `this is an MLflow no-code deployment (a model${opts.modelIsMlflow ? " with an MLmodel file" : ""} and no code_configuration), which Batchpoint does not support. ${NO_CODE_HELP}`,
      );
    }
    throw new UsageError("code_configuration needs code (a local folder) and scoring_script (a file inside it).");
  }
  if (!isRecord(code) || typeof code.code !== "string" || typeof code.scoring_script !== "string") {
    throw new UsageError("code_configuration needs code (a local folder) and scoring_script (a file inside it).");
  }
  const scoringScript = code.scoring_script.replace(/^\.\//, "");
  const ext = scoringScript.split(".").pop()?.toLowerCase();
  const declared = typeof doc.runtime === "string" ? doc.runtime.toLowerCase() : undefined;
  if (declared && declared !== "python" && declared !== "node")
    throw new UsageError(`runtime must be python or node, not '${doc.runtime as string}'.`);
  const runtime = (declared ?? (ext === "js" || ext === "mjs" || ext === "cjs" ? "node" : "python")) as "python" | "node";
  if (typeof doc.name !== "string" || !doc.name.trim()) throw new UsageError("the deployment file needs a name.");

  const notes: string[] = [];
  // In the file's order; the environment block names only what of it is not read.
  const envUnread: string[] = [];
  const environment = environmentOf(doc.environment, envUnread);
  const unread: string[] = Object.keys(doc).flatMap((k) =>
    k === "environment" ? envUnread : !READ_KEYS.has(k) && doc[k] !== undefined ? [k] : [],
  );
  unread.push(...extraKeys(code, "code_configuration", ["code", "scoring_script"]));
  unread.push(...extraKeys(doc.resources, "resources", ["instance_count"]));
  if (isRecord(doc.model)) unread.push(...extraKeys(doc.model, "model", ["name", "version", "path"]));

  // Settings: under settings: (the current schema) or at the top level (the older batchDeployment.schema.json).
  const topLevel = Object.fromEntries(TOP_LEVEL_SETTINGS.filter((k) => doc[k] !== undefined).map((k) => [k, doc[k]]));
  if (Object.keys(topLevel).length && isRecord(doc.settings)) {
    const both = Object.keys(topLevel).filter((k) => (doc.settings as Record<string, unknown>)[k] !== undefined);
    if (both.length) throw new UsageError(`${both[0]} is given twice, at the top level and under settings:; keep one.`);
  }
  const settingsNotes: string[] = [];
  const settings = { ...mapSettings(topLevel, settingsNotes, ""), ...mapSettings(doc.settings, settingsNotes) };
  unread.push(...settingsNotes);
  if (isRecord(doc.resources) && doc.resources.instance_count !== undefined) {
    const n = toInt(doc.resources.instance_count, "resources.instance_count");
    if (settings.instanceCount !== undefined && settings.instanceCount !== n) {
      throw new UsageError(`resources.instance_count (${n}) and instance_count (${String(settings.instanceCount)}) disagree; keep one.`);
    }
    settings.instanceCount = n;
  }
  if (unread.length) {
    const why = unread.map((k) => WHY[k]).filter(Boolean);
    notes.push(`not acted on by Batchpoint: ${unread.join(", ")}${why.length ? ` (${why.join("; ")})` : ""}; see docs/from-azure-ml.md`);
  }

  return {
    name: doc.name.trim(),
    endpointName: typeof doc.endpoint_name === "string" ? doc.endpoint_name : undefined,
    description: typeof doc.description === "string" ? doc.description : undefined,
    model: modelSource(doc.model),
    codePath: code.code,
    scoringScript,
    runtime,
    interpreter: typeof doc.interpreter === "string" ? doc.interpreter : undefined,
    settings,
    ...(environment ? { environment } : {}),
    notes,
  };
}

/** The body of POST /api/v1/endpoints/{endpoint}/deployments. */
export function deploymentBody(
  spec: DeploymentSpec,
  files: Record<string, unknown>,
  opts: { model?: string; setDefault?: boolean; environment?: EnvironmentPaths } = {},
) {
  return {
    name: spec.name,
    ...(spec.description ? { description: spec.description } : {}),
    ...(opts.model ? { model: opts.model } : {}),
    runtime: spec.runtime,
    ...(spec.interpreter ? { interpreter: spec.interpreter } : {}),
    code: { files },
    scoringScript: spec.scoringScript,
    settings: spec.settings,
    ...(opts.environment ? { environment: opts.environment } : {}),
    ...(opts.setDefault ? { setDefault: true } : {}),
  };
}

/** The environment files as the API names them: paths inside the uploaded code. */
export type EnvironmentPaths = { condaFile: string | null; requirementsFile: string | null };

/**
 * The body of PATCH /api/v1/endpoints/{endpoint}/deployments/{name} from the same YAML: the name and
 * runtime stay; a model the file no longer names is detached, as `az ml batch-deployment update` does.
 */
export function deploymentUpdateBody(
  spec: DeploymentSpec,
  files: Record<string, unknown>,
  opts: { model?: string; setDefault?: boolean; environment?: EnvironmentPaths } = {},
) {
  return {
    ...(spec.description ? { description: spec.description } : {}),
    model: opts.model ?? null,
    interpreter: spec.interpreter ?? null,
    code: { files },
    scoringScript: spec.scoringScript,
    // The file is the whole new spec: no environment in it removes the saved one, and so do sandbox settings.
    settings: { sandboxSettings: {}, ...spec.settings },
    environment: opts.environment ?? null,
    ...(opts.setDefault ? { setDefault: true } : {}),
  };
}
