import { randomBytes } from "node:crypto";
import { readFile, stat } from "node:fs/promises";
import path from "node:path";
import { Option, type Command } from "commander";
import type { ApiClient } from "../client";
import { printAz, wantsAzOutput, withAzOutput, type AzOutputOptions } from "../az-output";
import { azJob } from "../azure-shape";
import { apiClient, collect, intArg, note } from "../context";
import { ApiError, UsageError } from "../errors";
import {
  classifyInput,
  DATA_INPUT_TYPES,
  dataInputTypeWords,
  isDataInput,
  parseInvokeFile,
  parseInvokeSets,
  splitFilePath,
  type DataInput,
  type JobInput,
  type RowOptions,
} from "../invoke-inputs";
import { printJson } from "../output";
import { parseSourcesFile, storageOf } from "../sources";
import { listLocalFiles, uploadFiles } from "../upload";
import type { Job, JobStarted } from "../api";
import { waitForJob, webUrlOf } from "./job";

export interface InvokeOptions extends AzOutputOptions {
  name: string;
  deploymentName?: string;
  input?: string;
  inputType?: DataInput["type"];
  file?: string;
  set?: string[];
  miniBatchSize?: number;
  instanceCount?: number;
  outputPath?: string;
  outputFileName?: string;
  overwrite?: boolean;
  idempotencyKey?: string;
  jobName?: string;
  displayName?: string;
  tag?: string[];
  experimentName?: string;
  wait?: boolean;
  json?: boolean;
  passthroughColumns?: string;
  passthroughAll?: boolean;
  delimiter?: string;
  quotechar?: string;
  encoding?: string;
  rename?: string[];
  includePredictionStatus?: boolean;
  sources?: string;
  storageAccount?: string;
  storageAccountKey?: string;
  sasToken?: string;
  blobEndpoint?: string;
  explain?: boolean;
}

/** The row-control flags over the file's `tabular:` section; `--rename old=` drops a column. */
export function rowOptionsFrom(opts: InvokeOptions, file: RowOptions | undefined): RowOptions | undefined {
  const o: RowOptions = { ...(file ?? {}) };
  if (opts.passthroughColumns !== undefined) {
    const cols = opts.passthroughColumns
      .split(",")
      .map((c) => c.trim())
      .filter(Boolean);
    if (!cols.length) throw new UsageError("--passthrough-columns: give column names separated by commas, e.g. id,customer.");
    o.passthroughColumns = cols;
  }
  if (opts.passthroughAll) o.passthroughColumnsSet = "all";
  if (opts.delimiter !== undefined || opts.quotechar !== undefined || opts.encoding !== undefined)
    o.csvSettings = {
      ...(o.csvSettings ?? {}),
      ...(opts.delimiter !== undefined ? { delimiter: opts.delimiter } : {}),
      ...(opts.quotechar !== undefined ? { quotechar: opts.quotechar } : {}),
      ...(opts.encoding !== undefined ? { encoding: opts.encoding } : {}),
    };
  for (const r of opts.rename ?? []) {
    const eq = r.indexOf("=");
    if (eq <= 0) throw new UsageError(`--rename expects OLD=NEW (or OLD= to drop the column), not '${r}'.`);
    o.columnNamesRemapping = { ...(o.columnNamesRemapping ?? {}), [r.slice(0, eq)]: r.slice(eq + 1) || null };
  }
  if (opts.includePredictionStatus) o.includePredictionStatus = true;
  return Object.keys(o).length ? o : undefined;
}

const UPLOAD_DATASTORE = "workspaceblobstore";

/**
 * A data input as the API wants it: datastore paths, data assets (`azureml:name@latest`) and URLs as
 * given, a local file or folder uploaded first to workspaceblobstore under uploads/<timestamp>-<random>/.
 */
async function resolveDataInput(client: ApiClient, value: string, type: DataInput["type"] | undefined, quiet: boolean): Promise<DataInput> {
  const kind = classifyInput(value);
  // A data asset's type is the asset's own; the server resolves it (a given --input-type is passed on).
  if (kind === "asset") return { type: type ?? "uri_folder", path: value.trim() };
  if (kind !== "local") return { type: type ?? (value.endsWith("/") ? "uri_folder" : guessType(value)), path: value };
  let s;
  try {
    s = await stat(value);
  } catch {
    throw new UsageError(
      `input '${value}' is neither a local file or folder nor a data path (datastores/<ds>/paths/<path>, azureml://..., azureml:<data asset>@latest, or an https URL).`,
    );
  }
  const stamp = uploadFolderName();
  const base = path.basename(path.resolve(value));
  const files = await listLocalFiles(value);
  if (!files.length) throw new UsageError(`'${value}' has no files to upload.`);
  const prefix = s.isDirectory() ? `uploads/${stamp}/${base}/` : `uploads/${stamp}/`;
  if (!quiet)
    console.error(`Uploading ${files.length} file${files.length === 1 ? "" : "s"} from ${value} to ${UPLOAD_DATASTORE}:${prefix}`);
  // stdout is for the job; the upload's progress goes to stderr.
  await uploadFiles(client, files, { datastore: UPLOAD_DATASTORE, prefix, quiet, log: (line) => console.error(line) });
  const dsPath = `azureml://datastores/${UPLOAD_DATASTORE}/paths/${prefix}`;
  return s.isDirectory() ? { type: type ?? "uri_folder", path: dsPath } : { type: type ?? "uri_file", path: dsPath + base };
}

/**
 * The folder under uploads/ of one local input: the time, then 8 random hex digits. The time alone
 * (to the second) put two invokes of the same second into one folder, and each job scored the other's
 * files too (the e2e CLI specs, two workers, did).
 */
export function uploadFolderName(now = new Date()): string {
  const stamp = now
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d+Z$/, "Z");
  return `${stamp}-${randomBytes(4).toString("hex")}`;
}

function guessType(value: string): DataInput["type"] {
  const last = value.split("?")[0].split("/").pop() ?? "";
  return /\.[A-Za-z0-9]{1,8}$/.test(last) ? "uri_file" : "uri_folder";
}

function checkDataType(type: string | undefined, where: string): DataInput["type"] | undefined {
  if (type === undefined) return undefined;
  if (!(DATA_INPUT_TYPES as readonly string[]).includes(type))
    throw new UsageError(`${where}: type '${type}' is not a data input type; use ${dataInputTypeWords()}.`);
  return type as DataInput["type"];
}

/** Output path: a folder (`.../paths/scores/`), or a file path whose last part names the predictions file. */
function outputOf(p: string): { path: string; fileName?: string } {
  return p.endsWith("/") || !/\.[A-Za-z0-9]{1,8}$/.test(p) ? { path: p } : splitFilePath(p);
}

// The job's settings as presentJob names them, and the job body's names for the overrides.
const APPLIED: [bodyKey: string, read: (j: Job) => unknown, azName: string][] = [
  ["miniBatchSize", (j) => j.settings.miniBatchSize, "mini_batch_size"],
  ["instanceCount", (j) => j.settings.instanceCount, "instance_count"],
  ["maxRetries", (j) => j.settings.maxRetries, "max_retries"],
  ["timeout", (j) => j.settings.timeoutSeconds, "timeout"],
  ["errorThreshold", (j) => j.settings.errorThreshold, "error_threshold"],
  ["loggingLevel", (j) => j.settings.loggingLevel, "logging_level"],
  ["outputFileName", (j) => j.output.fileName, "output_file_name"],
];

/** Names every override the server did not apply, so none is lost silently. */
function checkApplied(body: Record<string, unknown>, job: Job) {
  const missed: string[] = [];
  for (const [key, read, azName] of APPLIED)
    if (body[key] !== undefined && read(job) !== undefined && read(job) !== body[key]) missed.push(`${azName}=${String(body[key])}`);
  const env = body.environmentVariables as Record<string, string> | undefined;
  // Per-job variables are the job's own (shown masked under inputs); older servers merged them into settings.
  const applied: Record<string, string> = { ...job.settings.environmentVariables, ...job.inputs.environmentVariables };
  for (const k of Object.keys(env ?? {})) if (!(k in applied)) missed.push(`environment_variables.${k}`);
  if (missed.length)
    note(
      `this server did not apply ${missed.join(", ")} to job ${job.name}; it runs with the deployment's values (see batchpoint job show ${job.name}).`,
    );
}

/**
 * A server whose invoke takes no per-job logging level or environment variables refuses them as unknown
 * fields (strict bodies): that is a usage error saying where they go instead, and nothing was started.
 */
function perJobSettingRefused(e: unknown, body: Record<string, unknown>): UsageError | null {
  if (!(e instanceof ApiError) || e.status !== 400) return null;
  const text = `${e.message} ${JSON.stringify(e.details ?? {})}`;
  const refused = [
    body.loggingLevel !== undefined && /loggingLevel/.test(text) && "logging_level",
    body.environmentVariables !== undefined && /environmentVariables/.test(text) && "environment_variables.*",
  ].filter(Boolean);
  if (!refused.length) return null;
  return new UsageError(
    `this server does not take --set ${refused.join(" or ")} per job (${e.message}); set them in the deployment's settings instead (settings.logging_level, settings.environment_variables, then batchpoint deployment update --file ...). No job was started.`,
  );
}

export function registerInvoke(endpoint: Command) {
  withAzOutput(
    endpoint
      .command("invoke")
      .description("start a batch job on an endpoint (local inputs are uploaded first)")
      .requiredOption("-n, --name <endpoint>", "endpoint name")
      .option("-d, --deployment-name <name>", "deployment (default: the endpoint's default deployment)")
      .option(
        "-i, --input <path>",
        "local file/folder, datastores/<ds>/paths/<p>, azureml://datastores/<ds>/paths/<p>, azureml:<data asset>@latest|:<version>, or a blob URL",
      )
      .addOption(
        new Option("--input-type <type>", "type of the data input (default: inferred; tabular splits one CSV by rows)").choices([
          ...DATA_INPUT_TYPES,
        ]),
      )
      .option("-f, --file <inputs.yml>", "Azure-style YAML with inputs: (and outputs:)")
      .option(
        "--set <key=value>",
        "Azure's job settings: output_file_name, mini_batch_size, instance_count, max_retries, timeout, error_threshold, logging_level, environment_variables.NAME, display_name, tags.KEY; inputs.NAME=VALUE (a literal), inputs.NAME.path|type, outputs.NAME.path (repeatable)",
        collect,
      )
      .option("--mini-batch-size <n>", "override the deployment's mini-batch size", intArg(1))
      .option("--instance-count <n>", "override the deployment's instance count", intArg(1))
      .option("--output-path <path>", "where the output goes: azureml://datastores/<ds>/paths/<folder> (or datastores/<ds>/paths/<folder>)")
      .option("--output-file-name <name>", "name of the predictions file (same as --set output_file_name=NAME)")
      .option("--overwrite", "replace an existing output file")
      .option("--idempotency-key <key>", "the same key within 24 h returns the same job instead of starting another")
      .option("--job-name <name>", "accepted for az ml scripts; Batchpoint names jobs itself (a note says so)")
      .option("--display-name <text>", "a name for people, shown and searchable in the jobs table (same as --set display_name=TEXT)")
      .option(
        "--tag <key=value>",
        "tag the job, shown and searchable in the jobs table (same as --set tags.KEY=VALUE; repeatable)",
        collect,
      )
      .option("--experiment-name <name>", "accepted for az ml scripts; ignored (a note says so)")
      .option("--passthrough-columns <a,b>", "tabular/jsonl: input columns joined to each output row (DataRobot passthroughColumns)")
      .option("--passthrough-all", "tabular/jsonl: join every input column (passthroughColumnsSet: all)")
      .option("--delimiter <char>", "tabular: the CSV's delimiter, read and written (tab: --delimiter tab)")
      .option("--quotechar <char>", "tabular: the CSV's quote character")
      .option("--encoding <name>", "tabular: utf-8 (default), utf-16, latin-1 or cp1252, read and written")
      .option("--rename <old=new>", "rename an output column; old= drops it (repeatable)", collect)
      .option("--include-prediction-status", "add a prediction_status column: OK, or the error of a failed mini-batch's rows")
      .option("--sources <sources.json>", "Modzy-style input items (JSON or YAML): item key -> model input name -> { container, filePath }")
      .option("--storage-account <name>", "the storage account of --sources (used for this job only, never shown again)")
      .option("--storage-account-key <key>", "its key (or set AZURE_STORAGE_KEY)")
      .option("--sas-token <token>", "or a SAS token with read permission (or set AZURE_STORAGE_SAS_TOKEN)")
      .option("--blob-endpoint <url>", "the account's blob service URL, when not https://<account>.blob.core.windows.net")
      .option("--explain", "ask the scoring code for explanations (the deployment must support them)")
      .option("--wait", "follow the job until it finishes; exit 1 if it fails, 3 if it completes with errors")
      .option("--json", "print the API's answer as JSON"),
  ).action(async (opts: InvokeOptions) => {
    const file = opts.file
      ? parseInvokeFile(await readFile(opts.file, "utf8").catch(() => Promise.reject(new UsageError(`cannot read ${opts.file}.`))))
      : { inputs: {} as Record<string, JobInput>, rowOptions: undefined, unread: [] as string[] };
    if (file.unread.length)
      note(
        `not acted on by Batchpoint: ${file.unread.join(", ")} in ${opts.file}${file.unread.some((k) => k.endsWith(".mode")) ? " (inputs are downloaded to each worker, whatever their mode)" : ""}; see docs/from-azure-ml.md`,
      );
    const sets = parseInvokeSets(opts.set);
    const inputs: Record<string, JobInput> = { ...file.inputs };
    for (const [name, s] of Object.entries(sets.inputs)) {
      const existing = inputs[name];
      if (s.value) {
        if (s.path || s.type) throw new UsageError(`--set inputs.${name}: give a value, or a path and type, not both.`);
        inputs[name] = s.value;
      } else if (s.path)
        inputs[name] = {
          type:
            checkDataType(s.type, `--set inputs.${name}.type`) ?? (existing && isDataInput(existing) ? existing.type : guessType(s.path)),
          path: s.path,
        };
      else if (existing && isDataInput(existing)) inputs[name] = { ...existing, type: checkDataType(s.type, `--set inputs.${name}.type`)! };
      else
        throw new UsageError(
          `--set inputs.${name}.type: there is no data input '${name}' to set the type of; give inputs.${name}.path too.`,
        );
    }
    const dataNames = Object.keys(inputs).filter((k) => isDataInput(inputs[k]));
    if (opts.input && dataNames.length)
      throw new UsageError(`give the data input once: --input, or inputs.${dataNames[0]}${opts.file ? ` in ${opts.file}` : ""}.`);
    if (!opts.sources && (opts.storageAccount || opts.storageAccountKey || opts.sasToken || opts.blobEndpoint))
      throw new UsageError("--storage-account, --storage-account-key, --sas-token and --blob-endpoint go with --sources.");
    if (opts.sources && (opts.input || dataNames.length)) throw new UsageError("give --sources or a data input (--input), not both.");
    // Without data: Modzy-style items (--sources), or a script job with literal inputs and/or per-job variables.
    const noData =
      !!opts.sources ||
      (!opts.input && !dataNames.length && (Object.keys(inputs).length > 0 || sets.settings.environmentVariables !== undefined));
    if (!opts.input && dataNames.length !== 1 && !noData)
      throw new UsageError(
        dataNames.length
          ? `give one data input (${dataInputTypeWords()}), not several.`
          : "give the data to score: --input PATH (or a uri_folder input in --file).",
      );
    if (opts.jobName)
      note(`--job-name ${opts.jobName} is not used: Batchpoint names each job itself (batchjob-<date>-<id>); use the name it prints.`);
    if (opts.experimentName) note("--experiment-name is ignored: Batchpoint has no experiments; jobs are listed per endpoint.");

    const az = wantsAzOutput(opts);
    const client = await apiClient();
    const quiet = Boolean(opts.json) || az;
    const body: Record<string, unknown> = {};
    if (opts.input) body.input = await resolveDataInput(client, opts.input, opts.inputType, quiet);
    else if (opts.sources) {
      const text = await readFile(opts.sources, "utf8").catch(() => Promise.reject(new UsageError(`cannot read ${opts.sources}.`)));
      body.sources = parseSourcesFile(text, opts.sources);
      body.storage = storageOf(opts);
    } else if (dataNames.length) {
      const [name] = dataNames;
      const d = inputs[name] as DataInput;
      // A local path in the inputs file is relative to that file, as in az ml.
      const local =
        classifyInput(d.path) === "local" && opts.file && !sets.inputs[name]?.path ? path.resolve(path.dirname(opts.file), d.path) : d.path;
      inputs[name] = await resolveDataInput(client, local, opts.inputType ?? d.type, quiet);
    }
    if (Object.keys(inputs).length) body.inputs = inputs;
    if (opts.deploymentName) body.deploymentName = opts.deploymentName;

    const setOutputs = Object.entries(sets.outputs);
    if (setOutputs.length > 1) throw new UsageError("a batch job writes one output (score); give outputs.score.path once.");
    const setOutput = setOutputs[0]?.[1];
    if (setOutput && !setOutput.path)
      throw new UsageError(`--set outputs.${setOutputs[0][0]}.type needs outputs.${setOutputs[0][0]}.path too.`);
    let output: { path: string; fileName?: string } | undefined = file.output;
    if (setOutput?.path) output = setOutput.type === "uri_file" ? splitFilePath(setOutput.path) : outputOf(setOutput.path);
    if (opts.outputPath) output = outputOf(opts.outputPath);
    if (output) body.output = { path: output.path };
    const fileName = opts.outputFileName ?? (sets.settings.outputFileName as string | undefined) ?? output?.fileName;
    if (fileName) body.outputFileName = fileName;
    for (const [k, v] of Object.entries(sets.settings)) if (k !== "outputFileName") body[k] = v;
    if (opts.overwrite) body.overwrite = true;
    if (opts.miniBatchSize) body.miniBatchSize = opts.miniBatchSize;
    if (opts.instanceCount) body.instanceCount = opts.instanceCount;
    if (opts.idempotencyKey) body.idempotencyKey = opts.idempotencyKey;
    Object.assign(body, rowOptionsFrom(opts, file.rowOptions));
    if (opts.explain) body.explain = true;
    if (opts.displayName !== undefined) body.displayName = opts.displayName;
    if (opts.tag?.length) {
      const tags = { ...((body.tags as Record<string, string> | undefined) ?? {}) };
      for (const t of opts.tag) {
        const eq = t.indexOf("=");
        if (eq <= 0) throw new UsageError(`--tag expects KEY=VALUE, not '${t}'.`);
        tags[t.slice(0, eq).trim()] = t.slice(eq + 1);
      }
      body.tags = tags;
    }

    const started = await client
      .json<JobStarted>("POST", `/endpoints/${encodeURIComponent(opts.name)}/jobs`, { json: body })
      .catch((e: unknown) => Promise.reject(perJobSettingRefused(e, body) ?? e));
    const job = await client.get<Job>(`/jobs/${encodeURIComponent(started.name)}`);
    checkApplied(body, job);
    const startedText =
      started.created === false ? `Job ${started.name} was started earlier with this idempotency key` : `Started job ${started.name}`;
    if (opts.wait) {
      if (!quiet) console.log(`${startedText}; following it (Ctrl-C stops following, not the job).`);
      await waitForJob(client, started.name, { json: opts.json, quiet: az, print: az ? (j) => printAz(azJob(j), opts) : undefined });
      return;
    }
    if (az) return printAz(azJob(job, { webUrl: await webUrlOf(client, job.name) }), opts);
    if (opts.json) return printJson(started);
    console.log(`${startedText} (${started.status}).`);
    console.log(`Follow it with: batchpoint job stream ${started.name}   (or: batchpoint job show ${started.name} --wait)`);
  });
}
