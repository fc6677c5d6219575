import { existsSync, openAsBlob } from "node:fs";
import { readFile } from "node:fs/promises";
import path from "node:path";
import type { Command } from "commander";
import { parse as parseYaml } from "yaml";
import type { CreatedModelVersion, Deployment, DeploymentList } from "../api";
import type { ApiClient } from "../client";
import { printAz, wantsAzOutput, withAzOutput, type AzOutputOptions } from "../az-output";
import { azDeployment, azJob } from "../azure-shape";
import { apiClient, collect, note } from "../context";
import { deploymentBody, deploymentUpdateBody, parseDeploymentYaml, type EnvironmentPaths, type ModelSource } from "../deployment-spec";
import { UsageError } from "../errors";
import { formatBytes, formatDate, printFields, printJson, printTable } from "../output";
import { listLocalFiles } from "../upload";
import { listAllJobs, printJobTable } from "./job";

const enc = encodeURIComponent;
const SET_HELP =
  "set a key of the file, as az does: settings.mini_batch_size=20, settings.environment_variables.NAME=VALUE, resources.instance_count=2 (repeatable)";
const MAX_CODE_FILE = 5 * 1024 * 1024;

/** A code file as the deployment body carries it: UTF-8 text as a string, anything else base64. */
export type CodeFile = string | { content: string; encoding: "base64" };

const utf8 = new TextDecoder("utf-8", { fatal: true });

/**
 * A file's bytes for the deployment body's `code.files` map (keyed by path): text when they are valid
 * UTF-8, else `{ content, encoding: "base64" }`, so a pickle arrives byte for byte.
 */
export function encodeCodeFile(bytes: Buffer): CodeFile {
  try {
    return utf8.decode(bytes);
  } catch {
    return { content: bytes.toString("base64"), encoding: "base64" };
  }
}

/** Reads every file of the scoring code folder, keyed by its relative path (non-UTF-8 files base64-encoded). */
export async function readCodeFolder(dir: string): Promise<Record<string, CodeFile>> {
  const files = await listLocalFiles(dir);
  const out: Record<string, CodeFile> = {};
  for (const f of files) {
    if (f.size > MAX_CODE_FILE)
      throw new UsageError(`${f.rel} is ${formatBytes(f.size)}; code files may be at most 5 MiB (put data in a model folder instead).`);
    out[f.rel] = encodeCodeFile(await readFile(f.abs));
  }
  return out;
}

/**
 * Registers a local model folder (or file) as a new model version (multipart POST /models); returns
 * "name:version". `root` is the registered folder's (or file's) own name (`model` for
 * `--path deployment-torch/model`), as Azure keeps it: the server lays the version out so that
 * AZUREML_MODEL_DIR holds that folder, and `glob(f"{AZUREML_MODEL_DIR}/*\/*.pt")` finds the file.
 */
export async function uploadModel(
  client: ApiClient,
  source: Extract<ModelSource, { kind: "local" }>,
  opts: { description?: string } = {},
): Promise<string> {
  const files = await listLocalFiles(source.path);
  if (!files.length) throw new UsageError(`model folder '${source.path}' has no files.`);
  const form = new FormData();
  form.set("name", source.name);
  form.set("root", path.basename(path.resolve(source.path))); // Azure keeps the folder's (or file's) name under AZUREML_MODEL_DIR
  if (source.version) form.set("version", source.version);
  if (opts.description) form.set("description", opts.description);
  for (const f of files) form.append("files", await openAsBlob(f.abs), f.rel);
  console.error(
    `Registering model '${source.name}' from ${source.path} (${files.length} file${files.length === 1 ? "" : "s"}, ${formatBytes(files.reduce((n, f) => n + f.size, 0))})...`,
  );
  const mv = await client.json<CreatedModelVersion>("POST", "/models", { body: form });
  const ref = `${mv.name}:${mv.version}`;
  console.error(`Registered model ${ref}.`);
  return ref;
}

/**
 * Reads a deployment YAML and what it points to: the code folder's files, and the model (a local
 * folder is registered as a new version first). Paths are relative to the YAML file.
 */
async function loadDeploymentFile(client: ApiClient, file: string, opts: { name?: string; needEndpoint?: boolean; sets?: string[] } = {}) {
  const text = await readFile(file, "utf8").catch(() => Promise.reject(new UsageError(`cannot read ${file}.`)));
  const base0 = path.dirname(path.resolve(file));
  // An MLflow model folder (MLmodel inside) without code_configuration gets its own message.
  const modelPath = localModelPath(text);
  const modelIsMlflow = Boolean(modelPath && existsSync(path.join(path.resolve(base0, modelPath), "MLmodel")));
  const spec = parseDeploymentYaml(text, { modelIsMlflow, sets: opts.sets });
  if (opts.name) spec.name = opts.name;
  if (opts.needEndpoint && !spec.endpointName) throw new UsageError("give --endpoint-name (or endpoint_name in the file).");
  for (const n of spec.notes) note(n);
  const base = path.dirname(path.resolve(file));
  const codeDir = path.resolve(base, spec.codePath);
  const files = await readCodeFolder(codeDir);
  if (!(spec.scoringScript in files)) throw new UsageError(`scoring_script '${spec.scoringScript}' is not in the code folder ${codeDir}.`);
  const environment = await environmentFiles(spec.environment, base, codeDir, files);
  let model: string | undefined;
  if (spec.model?.kind === "ref") model = spec.model.ref;
  else if (spec.model?.kind === "local") model = await uploadModel(client, { ...spec.model, path: path.resolve(base, spec.model.path) });
  return { spec, files, model, environment };
}

/** The limits a deployment's workers get (the server fills in the defaults), marked where the deployment sets one. */
function sandboxFields(d: Deployment): [string, unknown][] {
  const eff: Record<string, unknown> = d.sandbox;
  const own = d.settings.sandboxSettings;
  const names: [string, string][] = [
    ["allowNetwork", "allow_network"],
    ["memoryMiB", "memory_mib"],
    ["processes", "processes"],
    ["openFiles", "open_files"],
    ["fileSizeMiB", "file_size_mib"],
    ["cpuSeconds", "cpu_seconds"],
  ];
  return names
    .filter(([k]) => eff[k] !== undefined)
    .map(([k, snake]) => [`sandbox_settings.${snake}`, `${String(eff[k])}${k in own ? "" : " (default)"}`]);
}

function environmentFields(d: Deployment): [string, unknown][] {
  const env = d.environment;
  if (!env) return [];
  return [
    ["environment.conda_file", env.condaFile ?? undefined],
    ["environment.requirements_file", env.requirementsFile ?? undefined],
  ];
}

/** Where an environment file outside the code folder is uploaded with the code. */
const ENVIRONMENT_DIR = "_environment";

/**
 * Azure's environment.conda_file (and Batchpoint's requirements_file) are relative to the YAML, as in
 * Azure. A file inside the code folder is named by its path there; one outside is added to the code
 * under `_environment/`, since the server builds the environment from the deployment's code.
 */
async function environmentFiles(
  env: { condaFile?: string; requirementsFile?: string } | undefined,
  base: string,
  codeDir: string,
  files: Record<string, CodeFile>,
): Promise<EnvironmentPaths | undefined> {
  if (!env) return undefined;
  const out: EnvironmentPaths = { condaFile: null, requirementsFile: null };
  for (const [key, field] of [
    ["condaFile", "conda_file"],
    ["requirementsFile", "requirements_file"],
  ] as const) {
    const rel = env[key];
    if (!rel) continue;
    const abs = path.resolve(base, rel);
    const bytes = await readFile(abs).catch(() =>
      Promise.reject(new UsageError(`environment.${field}: cannot read ${abs} (paths are relative to the deployment file).`)),
    );
    const inCode = path.relative(codeDir, abs);
    if (!inCode.startsWith("..") && !path.isAbsolute(inCode)) {
      out[key] = inCode.split(path.sep).join("/");
      continue;
    }
    const name = `${ENVIRONMENT_DIR}/${path.basename(abs)}`;
    if (name in files && JSON.stringify(files[name]) !== JSON.stringify(encodeCodeFile(bytes)))
      throw new UsageError(`environment.${field}: the code folder already has a different ${name}; rename one of them.`);
    files[name] = encodeCodeFile(bytes);
    out[key] = name;
  }
  return out;
}

/** The local model folder a deployment file names, if any (for the MLflow check). */
function localModelPath(text: string): string | undefined {
  try {
    const doc = parseYaml(text) as { model?: unknown } | null;
    const m = doc?.model;
    if (typeof m === "string" && !m.startsWith("azureml:")) return m;
    if (m && typeof m === "object" && typeof (m as { path?: unknown }).path === "string") return (m as { path: string }).path;
  } catch {
    // parseDeploymentYaml reports the YAML error
  }
  return undefined;
}

export function registerDeployment(program: Command) {
  const deployment = program
    .command("deployment")
    .alias("batch-deployment")
    .description(
      "deployments of an endpoint: create (from Azure-style YAML), list, show, list-jobs, delete (alias: batch-deployment, as in az ml)",
    );

  withAzOutput(
    deployment
      .command("create")
      .description("create a deployment from an Azure ML batch deployment YAML; local code and model folders are uploaded")
      .requiredOption("-f, --file <deployment.yml>", "Azure-style deployment YAML")
      .option("-e, --endpoint-name <endpoint>", "endpoint (default: endpoint_name in the file)")
      .option("-n, --name <name>", "deployment name (default: name in the file)")
      .option("--set-default", "make it the endpoint's default deployment")
      .option("--set <key=value>", SET_HELP, collect)
      .option("--json", "print the deployment as JSON"),
  ).action(
    async (
      opts: { file: string; endpointName?: string; name?: string; setDefault?: boolean; set?: string[]; json?: boolean } & AzOutputOptions,
    ) => {
      const client = await apiClient();
      const { spec, files, model, environment } = await loadDeploymentFile(client, opts.file, {
        name: opts.name,
        needEndpoint: !opts.endpointName,
        sets: opts.set,
      });
      const endpointName = opts.endpointName ?? spec.endpointName!;
      const body = deploymentBody(spec, files, { model, setDefault: opts.setDefault, environment });
      const created = await client.json<Deployment>("POST", `/endpoints/${enc(endpointName)}/deployments`, { json: body });
      if (wantsAzOutput(opts)) return printAz(azDeployment(created, endpointName), opts);
      if (opts.json) return printJson(created);
      console.log(
        `Created deployment '${created.name}' on endpoint '${endpointName}' (${spec.runtime}, ${Object.keys(files).length} code file${Object.keys(files).length === 1 ? "" : "s"}${model ? `, model ${model}` : ""}).`,
      );
    },
  );

  withAzOutput(
    deployment
      .command("update")
      .description("update a deployment from its YAML (code, model, settings: a new version), or just make it the default")
      .option("-f, --file <deployment.yml>", "Azure-style deployment YAML; the file is the whole new spec")
      .option("-e, --endpoint-name <endpoint>", "endpoint (default: endpoint_name in the file)")
      .option("-n, --name <name>", "deployment name (default: name in the file)")
      .option("--set-default", "make it the endpoint's default deployment")
      .option("--set <key=value>", SET_HELP, collect)
      .option("--json", "print the deployment as JSON"),
  ).action(
    async (
      opts: { file?: string; endpointName?: string; name?: string; setDefault?: boolean; set?: string[]; json?: boolean } & AzOutputOptions,
    ) => {
      const client = await apiClient();
      let body: Record<string, unknown> = {};
      let endpointName = opts.endpointName;
      let name = opts.name;
      if (opts.file) {
        const { spec, files, model, environment } = await loadDeploymentFile(client, opts.file, { sets: opts.set });
        endpointName ??= spec.endpointName;
        name ??= spec.name;
        body = deploymentUpdateBody(spec, files, { model, setDefault: opts.setDefault, environment });
      } else if (opts.set?.length) throw new UsageError("--set changes keys of the deployment file: give --file deployment.yml too.");
      else if (opts.setDefault) body = { setDefault: true };
      else throw new UsageError("give --file deployment.yml (or --set-default with --name and --endpoint-name).");
      if (!endpointName || !name) throw new UsageError("give --endpoint-name and --name (or endpoint_name and name in the file).");
      const updated = await client.json<Deployment>("PATCH", `/endpoints/${enc(endpointName)}/deployments/${enc(name)}`, { json: body });
      if (wantsAzOutput(opts)) return printAz(azDeployment(updated, endpointName), opts);
      if (opts.json) return printJson(updated);
      console.log(
        `Updated deployment '${name}' of endpoint '${endpointName}'${updated.version ? ` (now version ${updated.version})` : ""}${opts.setDefault ? "; it is the default" : ""}.`,
      );
    },
  );

  withAzOutput(
    deployment
      .command("list")
      .description("list an endpoint's deployments")
      .requiredOption("-e, --endpoint-name <endpoint>", "endpoint")
      .option("--json", "print as JSON"),
  ).action(async (opts: { endpointName: string; json?: boolean } & AzOutputOptions) => {
    const client = await apiClient();
    const res = await client.get<DeploymentList>(`/endpoints/${enc(opts.endpointName)}/deployments`);
    const rows = res.data;
    if (wantsAzOutput(opts))
      return printAz(
        rows.map((d) => azDeployment(d, opts.endpointName)),
        opts,
      );
    if (opts.json) return printJson(res);
    if (!rows.length) return console.log(`Endpoint '${opts.endpointName}' has no deployments.`);
    printTable(rows, [
      ["name", (d) => d.name],
      ["default", (d) => (d.isDefault ? "yes" : "")],
      ["runtime", (d) => d.runtime],
      ["version", (d) => d.version],
      ["model", (d) => modelLabel(d)],
      ["scoring script", (d) => d.scoringScript],
      ["created", (d) => formatDate(d.createdAt)],
    ]);
  });

  withAzOutput(
    deployment
      .command("show")
      .description("show one deployment and its settings")
      .requiredOption("-n, --name <name>", "deployment")
      .requiredOption("-e, --endpoint-name <endpoint>", "endpoint")
      .option("--json", "print as JSON"),
  ).action(async (opts: { name: string; endpointName: string; json?: boolean } & AzOutputOptions) => {
    const client = await apiClient();
    const d = await client.get<Deployment>(`/endpoints/${enc(opts.endpointName)}/deployments/${enc(opts.name)}`);
    if (wantsAzOutput(opts)) return printAz(azDeployment(d, opts.endpointName), opts);
    if (opts.json) return printJson(d);
    const s = d.settings;
    const retry = s.retrySettings;
    printFields([
      ["name", d.name],
      ["endpoint", opts.endpointName],
      ["description", d.description],
      ["version", d.version],
      ["default", d.isDefault ? "yes" : "no"],
      ["runtime", d.runtime],
      ["interpreter", d.interpreter ?? undefined],
      ["scoring script", d.scoringScript],
      ["model", modelLabel(d)],
      ["mini_batch_size", s.miniBatchSize],
      ["instance_count", s.instanceCount],
      ["max_concurrency_per_instance", s.maxConcurrencyPerInstance],
      ["retry_settings.max_retries", retry.maxRetries],
      ["retry_settings.timeout", retry.timeout],
      ["error_threshold", s.errorThreshold],
      ["output_action", s.outputAction],
      ["output_file_name", s.outputFileName],
      ["logging_level", s.loggingLevel],
      ["environment_variables", s.environmentVariables],
      ...sandboxFields(d),
      ...environmentFields(d),
      ["created", formatDate(d.createdAt)],
    ]);
  });

  withAzOutput(
    deployment
      .command("list-jobs")
      .description("list the jobs that ran on one deployment, newest first (az ml batch-deployment list-jobs)")
      .requiredOption("-n, --name <name>", "deployment")
      .requiredOption("-e, --endpoint-name <endpoint>", "endpoint")
      .option("--json", "print as JSON"),
  ).action(async (opts: { name: string; endpointName: string; json?: boolean } & AzOutputOptions) => {
    const client = await apiClient();
    // The deployment must exist: a typo is an error, not an empty list.
    await client.get<Deployment>(`/endpoints/${enc(opts.endpointName)}/deployments/${enc(opts.name)}`);
    const jobs = await listAllJobs(client, { endpoint: opts.endpointName }, opts.name);
    if (wantsAzOutput(opts))
      return printAz(
        jobs.map((j) => azJob(j)),
        opts,
      );
    if (opts.json) return printJson(jobs);
    if (!jobs.length) return console.log(`No jobs on deployment '${opts.name}' of endpoint '${opts.endpointName}'.`);
    printJobTable(jobs);
  });

  deployment
    .command("delete")
    .description("delete a deployment")
    .requiredOption("-n, --name <name>", "deployment")
    .requiredOption("-e, --endpoint-name <endpoint>", "endpoint")
    .option("-y, --yes", "accepted for az ml compatibility; the CLI never prompts")
    .action(async (opts: { name: string; endpointName: string }) => {
      const client = await apiClient();
      await client.request("DELETE", `/endpoints/${enc(opts.endpointName)}/deployments/${enc(opts.name)}`);
      console.log(`Deleted deployment '${opts.name}' of endpoint '${opts.endpointName}'.`);
    });
}

/** The deployment's model as name:version, or null. */
function modelLabel(d: Deployment): string | null {
  return d.model;
}
