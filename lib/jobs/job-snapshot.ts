import { z } from "zod";
import { deploymentSettingFields as fields } from "@/lib/deployments/settings";
import { maskDataPath } from "./data-paths";
import { LITERAL_INPUT_TYPES } from "./literal-inputs";
import { DATA_INPUT_TYPES, rowFormatOf } from "./inputs";
import { rowOptionsBody, rowOptionsSchema } from "./tabular/options";

/**
 * What a job keeps of its invocation, in its `settings` and `inputs` JSON columns: the run settings
 * (the deployment's, with the job's overrides applied), the deployment version as it was at invoke,
 * and the inputs. Written by invokeJob, read back only through readJobSnapshot (docs/decisions/0025).
 */

/** Files per mini-batch for file inputs; rows per mini-batch may go up to MAX_ROWS_PER_MINI_BATCH. */
export const MAX_FILES_PER_MINI_BATCH = 10_000;
export const MAX_ROWS_PER_MINI_BATCH = 1_000_000;

// A job's mini-batch may hold more than a deployment's 10,000: rows of tabular and jsonl input count up to a million.
const jobMiniBatchSize = z
  .number()
  .int()
  .min(1, "Use at least 1 file or row per mini-batch.")
  .max(MAX_ROWS_PER_MINI_BATCH, `Use at most ${MAX_ROWS_PER_MINI_BATCH.toLocaleString("en")} rows per mini-batch.`);

/**
 * The settings an invocation may override, by their invoke-body names, and the stored setting each
 * one sets. invokeJob applies them; a re-run reads them back from the same table.
 */
export const JOB_OVERRIDES = {
  miniBatchSize: { field: jobMiniBatchSize, setting: "miniBatchSize" },
  instanceCount: { field: fields.instanceCount, setting: "instanceCount" },
  maxRetries: { field: fields.maxRetries, setting: "maxRetries" },
  timeout: { field: fields.timeout, setting: "timeoutSeconds" },
  errorThreshold: { field: fields.errorThreshold, setting: "errorThreshold" },
} as const;
type OverrideName = keyof typeof JOB_OVERRIDES;

/** The override fields of the invoke body (spread into invokeJobSchema): the deployment settings' own definitions. */
export const jobOverrideShape = {
  miniBatchSize: JOB_OVERRIDES.miniBatchSize.field.optional(),
  instanceCount: JOB_OVERRIDES.instanceCount.field.optional(),
  maxRetries: JOB_OVERRIDES.maxRetries.field.optional(),
  timeout: JOB_OVERRIDES.timeout.field.optional(),
  errorThreshold: JOB_OVERRIDES.errorThreshold.field.optional(),
};
export type JobOverrides = { [K in OverrideName]?: number };

const nullableString = z.string().nullable();

/** The deployment version a job runs, as stored on the job: a later change of the deployment does not reach it. */
export const jobDeploymentSchema = z.object({
  id: z.string(),
  version: z.number().int(),
  interpreter: nullableString,
  codeDatastoreId: nullableString,
  codePath: nullableString,
  scoringScript: z.string(),
  modelDatastoreId: nullableString,
  modelPath: nullableString,
  environmentVariables: z.record(z.string(), z.string()),
  /** Absent in jobs invoked before the sandbox settings existed: the defaults apply. */
  sandboxSettings: z.record(z.string(), z.union([z.boolean(), z.number()])).optional(),
  condaFile: nullableString.optional(),
  requirementsFile: nullableString.optional(),
});

/** The settings a job runs with: the deployment's, with the job's overrides applied. */
export const jobSettingsSchema = z.object({
  miniBatchSize: jobMiniBatchSize,
  instanceCount: fields.instanceCount,
  maxConcurrencyPerInstance: fields.maxConcurrencyPerInstance,
  maxRetries: fields.maxRetries,
  timeoutSeconds: fields.timeout,
  errorThreshold: fields.errorThreshold,
  outputAction: fields.outputAction,
  loggingLevel: fields.loggingLevel,
  runtime: z.enum(["python", "node"]),
  deployment: jobDeploymentSchema,
});
export type JobSettings = z.infer<typeof jobSettingsSchema>;

/** A job's data input. `header`/`columns`: a tabular input's CSV header, recorded by the planner; `options`: row controls. */
export const jobDataInputSchema = z.object({
  name: z.string(),
  type: z.enum(DATA_INPUT_TYPES),
  path: z.string(),
  header: z.string().optional(),
  columns: z.array(z.string()).optional(),
  options: rowOptionsSchema.optional(),
});
export type JobDataInput = z.infer<typeof jobDataInputSchema>;

export const jobInputsSchema = z.object({
  /** Absent for `sources` jobs and for jobs with no data input (run() is called once with an empty mini-batch). */
  data: jobDataInputSchema.optional(),
  literals: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
  /** The declared type of each literal input (watsonx's payload carries them). */
  literalTypes: z.record(z.string(), z.enum(LITERAL_INPUT_TYPES)).optional(),
  /** Modzy-style input items, one mini-batch each; their storage account's credentials are sealed apart. */
  sources: z
    .array(z.object({ key: z.string(), files: z.array(z.object({ name: z.string(), container: z.string(), filePath: z.string() })) }))
    .optional(),
  storageAccount: z.string().optional(),
  /** The job's own environment variables, values masked (the values are sealed with the job's secrets). */
  environmentVariables: z.record(z.string(), z.string()).optional(),
});
export type JobInputs = z.infer<typeof jobInputsSchema>;

export interface JobSnapshot {
  settings: JobSettings;
  inputs: JobInputs;
}

/**
 * The stored snapshot does not have the shape this version writes: a bug or a hand-edited row, never
 * the caller's input. `field` names the unreadable value by its column and zod path (`inputs.data.path`);
 * the API answers it as a 500 with that field, the job page as a notice (docs/decisions/0031).
 */
export class JobSnapshotError extends Error {
  readonly field: string;
  readonly reason: string;
  constructor(what: "settings" | "inputs", error: z.ZodError) {
    const first = error.issues[0];
    const field = [what, ...(first?.path ?? []).map(String)].join(".");
    const reason = first?.message ?? error.message;
    super(
      `The job's stored ${what} are not readable: ${field}: ${reason}. The row was changed outside Batchpoint; restore that field from a backup.`,
    );
    this.name = "JobSnapshotError";
    this.field = field;
    this.reason = reason;
  }
}

// Parsed once per JSON value read from the database: the hot path reads one job's snapshot several times.
const parsed = { settings: new WeakMap<object, unknown>(), inputs: new WeakMap<object, unknown>() };

function parse<T>(schema: z.ZodType<T>, value: unknown, what: keyof typeof parsed): T {
  const cache = parsed[what];
  const cacheable = typeof value === "object" && value !== null;
  if (cacheable && cache.has(value)) return cache.get(value) as T;
  const r = schema.safeParse(value);
  if (!r.success) throw new JobSnapshotError(what, r.error);
  if (cacheable) cache.set(value, r.data);
  return r.data;
}

/** A job's settings and inputs, parsed: the one way code reads them back from the database. Treat the result as read-only. */
export function readJobSnapshot(job: { settings: unknown; inputs: unknown }): JobSnapshot {
  return { settings: parse(jobSettingsSchema, job.settings, "settings"), inputs: parse(jobInputsSchema, job.inputs, "inputs") };
}

/** The stored settings alone, for code that selects only that column. */
export function readJobSettings(job: { settings: unknown }): JobSettings {
  return parse(jobSettingsSchema, job.settings, "settings");
}

/** The stored inputs alone, for code that selects only that column. */
export function readJobInputs(job: { inputs: unknown }): JobInputs {
  return parse(jobInputsSchema, job.inputs, "inputs");
}

/** A job's inputs as they may leave the server: the data input's SAS token masked (maskDataPath). */
export function maskJobInputs(inputs: JobInputs): JobInputs {
  return inputs.data ? { ...inputs, data: { ...inputs.data, path: maskDataPath(inputs.data.path) } } : inputs;
}

/** The settings to store: the deployment's own values with the invocation's overrides applied. */
export function applyJobOverrides(base: JobSettings, overrides: JobOverrides): JobSettings {
  const out = { ...base };
  for (const [name, { setting }] of Object.entries(JOB_OVERRIDES) as [OverrideName, (typeof JOB_OVERRIDES)[OverrideName]][]) {
    const v = overrides[name];
    if (v !== undefined) out[setting] = v;
  }
  return out;
}

/**
 * The invoke-body fields that reproduce a job's snapshot: its data input (as `input` or a named
 * input), its literals with their declared types, every overridable setting and its row controls.
 */
export function snapshotInvokeFields({ settings, inputs }: JobSnapshot) {
  const data = inputs.data;
  const literals = Object.fromEntries(
    Object.entries(inputs.literals).map(([k, value]) => [k, { type: inputs.literalTypes?.[k] ?? literalTypeOf(value), value }] as const),
  );
  const overrides = Object.fromEntries(
    (Object.entries(JOB_OVERRIDES) as [OverrideName, (typeof JOB_OVERRIDES)[OverrideName]][]).map(([name, { setting }]) => [
      name,
      settings[setting],
    ]),
  ) as Required<JobOverrides>;
  return {
    ...(data?.name === "input" ? { input: { type: data.type, path: data.path } } : {}),
    inputs: { ...literals, ...(data && data.name !== "input" ? { [data.name]: { type: data.type, path: data.path } } : {}) },
    ...overrides,
    ...(data ? rowOptionsBody(data.options, rowFormatOf(data.type)) : {}),
  };
}

function literalTypeOf(value: string | number | boolean) {
  return typeof value === "boolean" ? "boolean" : typeof value === "number" ? "number" : "string";
}
