import { z } from "zod";

/** Item keys and model input names become folder and file names: plain names only. */
const PLAIN_NAME = /^(?!\.{1,2}$)[A-Za-z0-9._-]{1,128}$/;
const plainNameMessage = (what: string, name: string) =>
  `'${name}': ${what} use letters, digits, '.', '_' or '-' (at most 128), as they name the item's folder and files.`;

/** One file of an input item: a blob in the job's storage account (Modzy's submit_azureblob shape). */
export const sourceFileSchema = z.object({
  container: z
    .string()
    .trim()
    .regex(/^[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]$/, "Give the blob container's name (3-63 lowercase letters, digits and '-')."),
  filePath: z.string().trim().min(1, "Give the blob's path inside the container, e.g. data/input.txt.").max(1024),
});

/** `sources`: input-item keys -> model input names -> files. Each item is scored as one unit. */
export const sourcesSchema = z.record(z.string(), z.record(z.string(), sourceFileSchema)).superRefine((items, ctx) => {
  const keys = Object.keys(items);
  if (!keys.length)
    ctx.addIssue({
      code: "custom",
      message: 'Give at least one input item, e.g. { "item-1": { "input.txt": { container, filePath } } }.',
    });
  if (keys.length > MAX_SOURCE_ITEMS) ctx.addIssue({ code: "custom", message: `A job holds at most ${MAX_SOURCE_ITEMS} input items.` });
  for (const k of keys) {
    if (!PLAIN_NAME.test(k)) ctx.addIssue({ code: "custom", path: [k], message: plainNameMessage("item keys", k) });
    const names = Object.keys(items[k]);
    if (!names.length) ctx.addIssue({ code: "custom", path: [k], message: "Give the item's files by model input name." });
    for (const n of names)
      if (!PLAIN_NAME.test(n)) ctx.addIssue({ code: "custom", path: [k, n], message: plainNameMessage("model input names", n) });
  }
});
export const MAX_SOURCE_ITEMS = 10_000;

/**
 * Per-job storage credentials for `sources`: Modzy's storageAccount + storageAccountKey, or a SAS token.
 * `blobEndpoint` points at another host than <account>.blob.core.windows.net (the same egress policy as datastores).
 */
export const sourceStorageSchema = z
  .object({
    storageAccount: z
      .string()
      .trim()
      .regex(/^[a-z0-9]{3,24}$/, "Give the storage account's name (3-24 lowercase letters and digits)."),
    storageAccountKey: z.string().trim().min(1, "Give the account key, or a sasToken instead.").optional(),
    sasToken: z.string().trim().min(1, "Give a SAS token with read and list permissions, or storageAccountKey instead.").optional(),
    blobEndpoint: z
      .url({ protocol: /^https?$/, error: "Give the blob service URL, e.g. https://myaccount.blob.core.windows.net." })
      .optional(),
  })
  .superRefine((v, ctx) => {
    if (!!v.storageAccountKey === !!v.sasToken)
      ctx.addIssue({ code: "custom", path: ["storageAccountKey"], message: "Give exactly one of storageAccountKey and sasToken." });
  });
export type SourceStorage = z.infer<typeof sourceStorageSchema>;

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/**
 * Names a job may not set: what the platform sets for the script (its folders, payload, explain flag, the
 * interpreter's basics) and the server's own secrets' names.
 */
export const RESERVED_JOB_ENV =
  /^(AZUREML_.*|BATCH_MODEL_DIR|BATCH_INPUT_DIR|BATCH_OUTPUT_DIR|BATCH_EXPLAIN|JOBS_PAYLOAD_FILE|PATH|HOME|LANG|PYTHONUNBUFFERED|PYTHONPATH|NODE_OPTIONS|LD_PRELOAD|LD_LIBRARY_PATH|DATABASE_URL|AZURE_STORAGE_CONNECTION_STRING|BATCHPOINT_.*|NEXTAUTH_.*|INNGEST_.*)$/;

/** watsonx's scoring.environment_variables: per-job variables for the script, treated as secrets. */
export const jobEnvironmentSchema = z
  .record(z.string(), z.string().max(32_768, "Use at most 32,768 characters."))
  .superRefine((vars, ctx) => {
    const names = Object.keys(vars);
    if (names.length > 100) ctx.addIssue({ code: "custom", message: "Give at most 100 environment variables." });
    for (const name of names) {
      if (!ENV_NAME.test(name))
        ctx.addIssue({
          code: "custom",
          path: [name],
          message: `'${name}': variable names use letters, digits and '_', not starting with a digit.`,
        });
      else if (RESERVED_JOB_ENV.test(name))
        ctx.addIssue({
          code: "custom",
          path: [name],
          message: `${name} is set by the platform and cannot be overridden by a job; choose another name.`,
        });
    }
  });

/** The invoke fields of Modzy-style items and watsonx-style script jobs, merged into invokeJobSchema. */
export const sourcesInvokeFields = {
  sources: sourcesSchema.optional(),
  storage: sourceStorageSchema.optional(),
  explain: z.boolean().optional(),
  environmentVariables: jobEnvironmentSchema.optional(),
};

/** Checks between those fields and the rest of the body; `dataInputs` is how many data inputs the body names. */
export function checkSourcesFields(
  v: { sources?: unknown; storage?: unknown },
  dataInputs: number,
  ctx: { addIssue: (i: { code: "custom"; path: string[]; message: string }) => void },
): void {
  if (v.sources && dataInputs > 0)
    ctx.addIssue({ code: "custom", path: ["sources"], message: "Give either sources or a data input (input / inputs), not both." });
  if (v.sources && !v.storage)
    ctx.addIssue({
      code: "custom",
      path: ["storage"],
      message:
        "sources need the job's storage credentials: storage: { storageAccount, storageAccountKey } or { storageAccount, sasToken }.",
    });
  if (v.storage && !v.sources)
    ctx.addIssue({ code: "custom", path: ["storage"], message: "storage is only used with sources; remove it." });
}
