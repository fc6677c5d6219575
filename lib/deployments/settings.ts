import { z } from "zod";
import { sandboxSettingsSchema } from "@/lib/scoring/sandbox-settings";

const envName = /^[A-Za-z_][A-Za-z0-9_]*$/;
// Names the platform sets itself or keeps to itself; a deployment may not override them.
const RESERVED_ENV =
  /^(AZUREML_MODEL_DIR|AZUREML_BI_OUTPUT_PATH|BATCH_MODEL_DIR|BATCH_INPUT_DIR|BATCH_OUTPUT_DIR|JOBS_PAYLOAD_FILE|DATABASE_URL|AZURE_STORAGE_CONNECTION_STRING|BATCHPOINT_.*|NEXTAUTH_.*|INNGEST_.*)$/;

// The fields without defaults: the base of both the create schema (with Azure's defaults) and the
// update schema (a PATCH changes only what it names; zod 4 would fill defaults under .partial()), and of
// a job's overrides and its stored settings (lib/jobs/job-snapshot.ts).
export const deploymentSettingFields = {
  miniBatchSize: z.number().int().min(1, "Use at least 1 file per mini-batch.").max(10_000, "Use at most 10,000 files per mini-batch."),
  instanceCount: z.number().int().min(1, "Use at least 1 instance.").max(64, "Use at most 64 instances."),
  maxConcurrencyPerInstance: z.number().int().min(1, "Use at least 1.").max(64, "Use at most 64."),
  maxRetries: z.number().int().min(0, "Use 0 or more retries.").max(20, "Use at most 20 retries."),
  timeout: z.number().int().min(1, "Use a timeout of at least 1 second.").max(86_400, "Use a timeout of at most 86,400 seconds (a day)."),
  errorThreshold: z.number().int().min(-1, "Use -1 (no limit) or a number of files."),
  outputAction: z.enum(["append_row", "summary_only"], { error: "Use append_row or summary_only." }),
  outputFileName: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9._-]{1,128}$/, "Use a plain file name: letters, digits, '.', '_' or '-'."),
  loggingLevel: z.enum(["debug", "info", "warning", "error"], { error: "Use debug, info, warning or error." }),
  environmentVariables: z.record(z.string(), z.string().max(32_768, "Use at most 32,768 characters.")).superRefine((vars, ctx) => {
    for (const name of Object.keys(vars)) {
      if (!envName.test(name))
        ctx.addIssue({ code: "custom", path: [name], message: "Variable names use letters, digits and '_', not starting with a digit." });
      else if (RESERVED_ENV.test(name)) ctx.addIssue({ code: "custom", path: [name], message: "This name is reserved by the platform." });
    }
  }),
  supportsExplanations: z.boolean({ error: "Use true or false." }),
};
const fields = deploymentSettingFields;

/** Deployment settings with Azure ML's meanings and defaults. */
export const deploymentSettingsSchema = z.object({
  miniBatchSize: fields.miniBatchSize.default(10),
  instanceCount: fields.instanceCount.default(1),
  maxConcurrencyPerInstance: fields.maxConcurrencyPerInstance.default(1),
  retrySettings: z
    .object({ maxRetries: fields.maxRetries.default(3), timeout: fields.timeout.default(30) })
    .default({ maxRetries: 3, timeout: 30 }),
  errorThreshold: fields.errorThreshold.default(-1),
  outputAction: fields.outputAction.default("append_row"),
  outputFileName: fields.outputFileName.default("predictions.csv"),
  loggingLevel: fields.loggingLevel.default("info"),
  environmentVariables: fields.environmentVariables.default({}),
  sandboxSettings: sandboxSettingsSchema.default({}),
  supportsExplanations: fields.supportsExplanations.default(false),
});

/** The same settings for an update: every field optional, nothing filled in. */
export const deploymentSettingsPatchSchema = z
  .object({
    miniBatchSize: fields.miniBatchSize,
    instanceCount: fields.instanceCount,
    maxConcurrencyPerInstance: fields.maxConcurrencyPerInstance,
    retrySettings: z.object({ maxRetries: fields.maxRetries, timeout: fields.timeout }).partial(),
    errorThreshold: fields.errorThreshold,
    outputAction: fields.outputAction,
    outputFileName: fields.outputFileName,
    loggingLevel: fields.loggingLevel,
    environmentVariables: fields.environmentVariables,
    // Replaces the saved sandbox settings as a whole: a field left out goes back to its default.
    sandboxSettings: sandboxSettingsSchema,
    supportsExplanations: fields.supportsExplanations,
  })
  .partial();
export type DeploymentSettings = z.infer<typeof deploymentSettingsSchema>;
export type DeploymentSettingsInput = z.input<typeof deploymentSettingsSchema>;

export const SETTINGS_HELP: Record<string, string> = {
  miniBatchSize: "Files per call of run(); for tabular input, rows per call.",
  instanceCount: "Worker instances; together with max concurrency it sets how many mini-batches run at once.",
  maxConcurrencyPerInstance: "Parallel run() calls per instance.",
  "retrySettings.maxRetries": "How often a failed or timed-out mini-batch is retried (default 3).",
  "retrySettings.timeout": "Seconds one run() call may take before it is stopped and retried (default 30).",
  errorThreshold: "Failed input files tolerated before the job fails; -1 means no limit.",
  outputAction: "append_row collects run() results into one file; summary_only writes none.",
  outputFileName: "Name of the merged predictions file (default predictions.csv).",
  loggingLevel: "Lowest level of the script's log lines that are kept.",
  "sandboxSettings.allowNetwork": "Let this deployment's workers open outbound connections (off by default: no network at all).",
  "sandboxSettings.memoryMiB": "Memory one worker process may allocate (default 2048 MiB); crossing it fails the mini-batch.",
  "sandboxSettings.processes": "Processes and threads one worker may run at once (default 128).",
  "sandboxSettings.openFiles": "Files one worker process may hold open (default 1024).",
  "sandboxSettings.fileSizeMiB": "Largest file the script may write (default 1024 MiB).",
  "sandboxSettings.cpuSeconds": "CPU seconds one run() may use, all its processes together (default 600).",
  "environment.condaFile": "An Azure ML conda file in the code: its pip section is installed in a virtual environment.",
  "environment.requirementsFile": "A pip requirements file in the code, installed in a virtual environment.",
  supportsExplanations: "Whether the scoring code can explain its results: jobs may ask for explain: true only when this is on.",
  environmentVariables: "Extra variables for the scoring process; values of secret-looking names are masked after saving.",
};

export const MASK = "********";

/** The variables as shown to people: values of secret-looking names replaced by the mask. */
export function maskSecretValues(env: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(env).map(([k, v]) => [k, looksSecret(k) ? MASK : v]));
}

/** Names that look like secrets: their values are masked when shown. */
export function looksSecret(name: string): boolean {
  return /(SECRET|TOKEN|PASSWORD|PASSWD|KEY|CREDENTIAL|CONNECTION_STRING|SAS)/i.test(name);
}

const MAX_CODE_FILE_BYTES = 5 * 1024 * 1024;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const codeFileContent = z.object({
  content: z.string(),
  encoding: z.enum(["utf8", "utf-8", "base64"], { error: "Use utf8 (text) or base64 (any bytes)." }).default("utf8"),
});

/**
 * A deployment's code files, kept byte for byte: `{ "score.py": "<text>" }`, or per file
 * `{ content, encoding: "base64" }` for bytes that are not UTF-8 text (a pickle), or a list of
 * `{ path, content, encoding }`. Parsed into the bytes to store.
 */
export const codeFilesSchema = z
  .union([
    z.record(z.string(), z.union([z.string(), codeFileContent, z.instanceof(Buffer)])),
    z.array(codeFileContent.extend({ path: z.string().trim().min(1, "Give each code file's path.") })),
  ])
  .transform((files, ctx) => {
    const entries: [string, string | Buffer | z.infer<typeof codeFileContent>][] = Array.isArray(files)
      ? files.map(({ path, ...f }) => [path, f])
      : Object.entries(files);
    const out: Record<string, Buffer> = {};
    entries.forEach(([path, f], i) => {
      const at = Array.isArray(files) ? [i, "content"] : [path];
      let bytes: Buffer;
      if (Buffer.isBuffer(f)) bytes = f;
      else if (typeof f === "string" || f.encoding !== "base64") bytes = Buffer.from(typeof f === "string" ? f : f.content, "utf8");
      else {
        const b64 = f.content.replace(/\s+/g, "");
        if (!BASE64.test(b64) || b64.length % 4 !== 0) {
          ctx.addIssue({ code: "custom", path: at, message: `'${path}': content is not valid base64.` });
          return;
        }
        bytes = Buffer.from(b64, "base64");
      }
      if (bytes.length > MAX_CODE_FILE_BYTES) ctx.addIssue({ code: "custom", path: at, message: "Each code file may be at most 5 MiB." });
      if (path in out) ctx.addIssue({ code: "custom", path: at, message: `'${path}' is given twice.` });
      out[path] = bytes;
    });
    return out;
  });
