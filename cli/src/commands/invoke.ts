import { readFile, stat } from "node:fs/promises";
import path from "node:path";
import { Option, type Command } from "commander";
import type { ApiClient } from "../client";
import { apiClient, collect, intArg } from "../context";
import { UsageError } from "../errors";
import { classifyInput, DATA_INPUT_TYPES, isDataInput, parseInvokeFile, parseSet, splitFilePath, type DataInput, type JobInput } from "../invoke-inputs";
import { printJson } from "../output";
import { listLocalFiles, uploadFiles } from "../upload";
import { waitForJob } from "./job";

interface InvokeOptions {
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
  wait?: boolean;
  json?: boolean;
}

const UPLOAD_DATASTORE = "workspaceblobstore";

/**
 * A data input as the API wants it: datastore paths and URLs as given, a local file or folder
 * uploaded first to workspaceblobstore under uploads/<timestamp>/.
 */
async function resolveDataInput(client: ApiClient, value: string, type: DataInput["type"] | undefined, quiet: boolean): Promise<DataInput> {
  const kind = classifyInput(value);
  if (kind !== "local") return { type: type ?? (value.endsWith("/") ? "uri_folder" : guessType(value)), path: value };
  let s;
  try {
    s = await stat(value);
  } catch {
    throw new UsageError(`input '${value}' is neither a local file or folder nor a data path (datastores/<ds>/paths/<path>, azureml://..., or an https URL).`);
  }
  const stamp = new Date().toISOString().replace(/[-:]/g, "").replace(/\.\d+Z$/, "Z");
  const base = path.basename(path.resolve(value));
  const files = await listLocalFiles(value);
  if (!files.length) throw new UsageError(`'${value}' has no files to upload.`);
  const prefix = s.isDirectory() ? `uploads/${stamp}/${base}/` : `uploads/${stamp}/`;
  if (!quiet) console.error(`Uploading ${files.length} file${files.length === 1 ? "" : "s"} from ${value} to ${UPLOAD_DATASTORE}:${prefix}`);
  // stdout is for the job; the upload's progress goes to stderr.
  await uploadFiles(client, files, { datastore: UPLOAD_DATASTORE, prefix, quiet, log: (line) => console.error(line) });
  const dsPath = `azureml://datastores/${UPLOAD_DATASTORE}/paths/${prefix}`;
  return s.isDirectory() ? { type: type ?? "uri_folder", path: dsPath } : { type: type ?? "uri_file", path: dsPath + base };
}

function guessType(value: string): DataInput["type"] {
  const last = value.split("?")[0].split("/").pop() ?? "";
  return /\.[A-Za-z0-9]{1,8}$/.test(last) ? "uri_file" : "uri_folder";
}

export function registerInvoke(endpoint: Command) {
  endpoint
    .command("invoke")
    .description("start a batch job on an endpoint (local inputs are uploaded first)")
    .requiredOption("-n, --name <endpoint>", "endpoint name")
    .option("-d, --deployment-name <name>", "deployment (default: the endpoint's default deployment)")
    .option("-i, --input <path>", "local file/folder, datastores/<ds>/paths/<p>, azureml://datastores/<ds>/paths/<p>, or a blob URL")
    .addOption(new Option("--input-type <type>", "type of the data input (default: inferred; tabular splits one CSV by rows)").choices([...DATA_INPUT_TYPES]))
    .option("-f, --file <inputs.yml>", "Azure-style YAML with inputs: (and outputs:)")
    .option("--set <name=value>", "literal input; numbers and true/false are typed (repeatable)", collect)
    .option("--mini-batch-size <n>", "override the deployment's mini-batch size", intArg(1))
    .option("--instance-count <n>", "override the deployment's instance count", intArg(1))
    .option("--output-path <path>", "where the output goes: datastores/<ds>/paths/<folder>")
    .option("--output-file-name <name>", "name of the predictions file")
    .option("--overwrite", "replace an existing output file")
    .option("--idempotency-key <key>", "the same key within 24 h returns the same job instead of starting another")
    .option("--wait", "follow the job until it finishes; exit 1 if it fails")
    .option("--json", "print the API's answer as JSON")
    .action(async (opts: InvokeOptions) => {
      const file = opts.file ? parseInvokeFile(await readFile(opts.file, "utf8").catch(() => Promise.reject(new UsageError(`cannot read ${opts.file}.`)))) : { inputs: {} as Record<string, JobInput> };
      const inputs: Record<string, JobInput> = { ...file.inputs };
      for (const s of opts.set ?? []) {
        const [k, v] = parseSet(s);
        inputs[k] = v;
      }
      const dataNames = Object.keys(inputs).filter((k) => isDataInput(inputs[k]));
      if (opts.input && dataNames.length) throw new UsageError(`give the data input once: --input, or inputs.${dataNames[0]} in ${opts.file}.`);
      if (!opts.input && dataNames.length !== 1) throw new UsageError(dataNames.length ? "give one data input (uri_folder, uri_file or tabular), not several." : "give the data to score: --input PATH (or a uri_folder input in --file).");

      const client = await apiClient();
      const quiet = Boolean(opts.json);
      const body: Record<string, unknown> = {};
      if (opts.input) body.input = await resolveDataInput(client, opts.input, opts.inputType, quiet);
      else {
        const [name] = dataNames;
        const d = inputs[name] as DataInput;
        // A local path in the inputs file is relative to that file, as in az ml.
        const local = classifyInput(d.path) === "local" && opts.file ? path.resolve(path.dirname(opts.file), d.path) : d.path;
        inputs[name] = await resolveDataInput(client, local, opts.inputType ?? d.type, quiet);
      }
      if (Object.keys(inputs).length) body.inputs = inputs;
      if (opts.deploymentName) body.deploymentName = opts.deploymentName;
      const output = opts.outputPath ? (opts.outputPath.endsWith("/") || !/\.[A-Za-z0-9]{1,8}$/.test(opts.outputPath) ? { path: opts.outputPath } : splitFilePath(opts.outputPath)) : file.output;
      if (output) body.output = { path: output.path };
      const fileName = opts.outputFileName ?? output?.fileName;
      if (fileName) body.outputFileName = fileName;
      if (opts.overwrite) body.overwrite = true;
      if (opts.miniBatchSize) body.miniBatchSize = opts.miniBatchSize;
      if (opts.instanceCount) body.instanceCount = opts.instanceCount;
      if (opts.idempotencyKey) body.idempotencyKey = opts.idempotencyKey;

      const job = await client.json<{ name: string; status: string; created?: boolean; links?: Record<string, string> }>("POST", `/endpoints/${encodeURIComponent(opts.name)}/jobs`, { json: body });
      const started = job.created === false ? `Job ${job.name} was started earlier with this idempotency key` : `Started job ${job.name}`;
      if (opts.wait) {
        if (!quiet) console.log(`${started}; following it (Ctrl-C stops following, not the job).`);
        await waitForJob(client, job.name, { json: opts.json });
        return;
      }
      if (opts.json) return printJson(job);
      console.log(`${started} (${job.status}).`);
      console.log(`Follow it with: batchpoint job show ${job.name} --wait`);
    });
}
