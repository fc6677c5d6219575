import "server-only";
import { randomBytes } from "node:crypto";
import { z } from "zod";
import { recordAuditEvent, type Actor } from "@/lib/audit/record-audit-event";
import { db, type Prisma } from "@/lib/db";
import { resolveDataAssetInput } from "@/lib/data-assets/data-assets";
import { resolveDeployment } from "@/lib/deployments/create-deployment";
import { AppError, fieldError, isUniqueViolation } from "@/lib/errors";
import { blobExists } from "@/lib/storage";
import { DataPathError, parseDataPath } from "./data-paths";
import { literalInputSchema } from "./literal-inputs";
import { inspectInput } from "./inspect-input";
import { permanentStorageError } from "./job-failure";
import { resolveDataTarget } from "./resolve-data-target";
import { checkRowInput } from "./tabular/check-row-input";
import { csvDialectOf, rowOptionProblems, rowOptionsGiven, rowOptionsShape, toRowOptions } from "./tabular/options";
import { checkSourcesFields, sourcesInvokeFields } from "./sources/schema";
import {
  DATA_INPUT_TYPES,
  dataInputModule,
  dataInputTypeList,
  isDataInputType,
  rowFormatOf,
  rowInputTypeList,
  rowOptionTypeList,
} from "./inputs";
import {
  applyJobOverrides,
  type JobDataInput,
  type JobInputs,
  type JobSettings,
  jobDeploymentSchema,
  jobOverrideShape,
  MAX_FILES_PER_MINI_BATCH,
} from "./job-snapshot";
import { prepareSourcesInvoke } from "./sources/invoke-extras";

/**
 * Data inputs, one module each in lib/jobs/inputs: `uri_folder` (every file under a prefix) and
 * `uri_file` (one file) split by files, as on Azure ML; `tabular` (a CSV split by rows) and `jsonl`
 * (JSON Lines split by lines). See docs/decisions/0005, 0021 and 0025.
 */
export { DATA_INPUT_TYPES, type DataInputType } from "./inputs";
export type { JobInputs, JobSettings } from "./job-snapshot";
export function isDataInput(v: { type?: unknown } | null | undefined): boolean {
  return isDataInputType(v?.type);
}
/** At invoke, CSVs up to this size are read to check they hold a row; bigger ones are left to planning. */
const INVOKE_ROW_COUNT_BYTES = 4 * 1024 * 1024;

const dataInput = z.object({
  type: z.enum(DATA_INPUT_TYPES, { error: `Use ${dataInputTypeList()}.` }),
  path: z.string().trim().min(1, "Give the input path, e.g. datastores/workspaceblobstore/paths/inputs/."),
});
const literalInput = literalInputSchema;

export const invokeJobSchema = z
  .object({
    deploymentName: z.string().trim().optional(),
    input: dataInput.optional(),
    inputs: z
      .record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "Input names use letters, digits and '_'."), z.union([dataInput, literalInput]))
      .optional(),
    output: z.object({ path: z.string().trim().min(1) }).optional(),
    outputFileName: z
      .string()
      .trim()
      .regex(/^[A-Za-z0-9._-]{1,128}$/, "Use a plain file name: letters, digits, '.', '_' or '-'.")
      .optional(),
    overwrite: z.boolean().default(false),
    // The deployment settings' own definitions (lib/jobs/job-snapshot.ts), so a job is refused where a deployment would be.
    ...jobOverrideShape,
    idempotencyKey: z.string().trim().min(1).max(128).optional(),
    ...rowOptionsShape,
    // Modzy-style input items with per-job credentials, explain, and watsonx's per-job variables: lib/jobs/sources.
    ...sourcesInvokeFields,
    // Azure ML's display_name and tags: for people, shown and searchable in the jobs table; the job's name stays its id.
    displayName: z
      .string()
      .trim()
      .min(1, "Give a display name, or leave it out.")
      .max(120, "Keep the display name to 120 characters.")
      .optional(),
    tags: z
      .record(z.string(), z.string().max(256, "Keep each tag value to 256 characters."))
      .superRefine((tags, ctx) => {
        for (const key of Object.keys(tags))
          if (!/^[A-Za-z0-9_.-]{1,64}$/.test(key))
            ctx.addIssue({
              code: "custom",
              path: [key],
              message: `Tag names use letters, digits, '_', '-' and '.' (at most 64), not '${key}'.`,
            });
        if (Object.keys(tags).length > 20) ctx.addIssue({ code: "custom", message: "Give at most 20 tags." });
      })
      .optional(),
  })
  .superRefine((v, ctx) => {
    const dataInputs = [v.input, ...Object.values(v.inputs ?? {}).filter(isDataInput)].filter(Boolean);
    checkSourcesFields(v, dataInputs.length, ctx);
    const scriptOnly = Object.keys(v.inputs ?? {}).length > 0 || Object.keys(v.environmentVariables ?? {}).length > 0;
    if (dataInputs.length > 1 || (dataInputs.length === 0 && !v.sources && !scriptOnly)) {
      ctx.addIssue({
        code: "custom",
        path: ["input"],
        message: `Give one data input (\`input\`, or one ${dataInputTypeList()} entry in \`inputs\`), or \`sources\`; a job without data needs literal inputs or environmentVariables.`,
      });
    }
    const type = dataInputs[0]?.type;
    for (const [field, message] of rowOptionProblems(v, { type, format: rowFormatOf(type), takers: rowOptionTypeList() }))
      ctx.addIssue({ code: "custom", path: [field], message });
    if (
      v.miniBatchSize !== undefined &&
      v.miniBatchSize > MAX_FILES_PER_MINI_BATCH &&
      dataInputs.some((i) => !!i && isDataInputType(i.type) && dataInputModule(i.type).unit !== "rows")
    ) {
      ctx.addIssue({
        code: "custom",
        path: ["miniBatchSize"],
        message: `A mini-batch holds at most ${MAX_FILES_PER_MINI_BATCH.toLocaleString("en")} files; only ${rowInputTypeList()} input count rows and allow more.`,
      });
    }
  });
export type InvokeJobInput = z.input<typeof invokeJobSchema>;

function jobName() {
  const d = new Date().toISOString().slice(0, 10).replace(/-/g, "");
  return `batchjob-${d}-${randomBytes(4).toString("hex")}`;
}

/** The job definition (and scheduled time) a job was started from. */
export interface JobOrigin {
  jobDefinitionId: string;
  scheduledFor?: Date | null;
}

const IDEMPOTENCY_WINDOW_MS = 24 * 60 * 60 * 1000;

/**
 * Validates an invocation and stores the Job (status queued). Returns the existing job when the same
 * idempotency key was used within 24 hours. The caller sends `batch/job.requested`.
 */
export async function invokeJob(opts: {
  workspaceId: string;
  actor: Actor;
  endpointName: string;
  input: InvokeJobInput;
  via?: string;
  origin?: JobOrigin;
  /** Refuse (400 on input.path) an input that is missing or holds nothing to score, before the job exists. */
  checkInput?: boolean;
}) {
  const input = invokeJobSchema.parse(opts.input);
  if (input.idempotencyKey) {
    const prior = await db.job.findFirst({ where: { workspaceId: opts.workspaceId, idempotencyKey: input.idempotencyKey } });
    if (prior && Date.now() - prior.createdAt.getTime() < IDEMPOTENCY_WINDOW_MS) return { job: prior, created: false };
    if (prior) await db.job.update({ where: { id: prior.id }, data: { idempotencyKey: null } });
  }
  const { endpoint, deployment } = await resolveDeployment({
    workspaceId: opts.workspaceId,
    endpointName: opts.endpointName,
    deploymentName: input.deploymentName,
  });

  const named = Object.entries(input.inputs ?? {});
  const dataEntry = input.input ? ["input", input.input] : named.find(([, v]) => isDataInput(v));
  let data: JobDataInput | undefined;
  if (dataEntry) {
    const [dataName, requested] = dataEntry as [string, z.infer<typeof dataInput>];
    const resolved = await resolveDataAssetInput({ workspaceId: opts.workspaceId, input: requested });
    const rowOptions = rowOptionsGiven(input, rowFormatOf(resolved.type)) ? toRowOptions(input) : undefined;
    let source: Awaited<ReturnType<typeof resolveDataTarget>>;
    try {
      const parsed = parseDataPath(resolved.path);
      source = await resolveDataTarget({ workspaceId: opts.workspaceId, path: parsed });
      if (opts.checkInput)
        await inspectInput({
          target: source,
          path: parsed,
          type: resolved.type,
          limit: 1,
          countRowsUpTo: INVOKE_ROW_COUNT_BYTES,
          dialect: csvDialectOf(rowOptions),
        });
    } catch (e) {
      if (e instanceof DataPathError) throw fieldError("input.path", e.message);
      const permanent = opts.checkInput ? permanentStorageError(e, resolved.path.replace(/\?.*$/, "")) : null;
      if (permanent) throw fieldError("input.path", permanent);
      if (e instanceof AppError) throw fieldError("input.path", e.message, e.code);
      throw e;
    }
    // Passthrough columns must exist: read the header now, so a typo is a 400 rather than a failed job.
    if (rowOptions)
      await checkRowInput({
        target: source,
        blob: parseDataPath(resolved.path).path,
        format: rowFormatOf(resolved.type) ?? "csv",
        options: rowOptions,
      });
    data = { name: dataName, type: resolved.type, path: resolved.path, ...(rowOptions ? { options: rowOptions } : {}) };
  }
  const literalEntries = named.filter(([, v]) => "value" in v) as [string, z.infer<typeof literalInput>][];
  const literals = Object.fromEntries(literalEntries.map(([k, v]) => [k, v.value]));
  const extras = await prepareSourcesInvoke({ input, deployment });

  const name = jobName();
  // JSON Lines in, JSON Lines out, unless the deployment or the job names another file.
  const outputFileName =
    input.outputFileName ??
    ((data && deployment.outputFileName === "predictions.csv" && dataInputModule(data.type).defaultOutputFileName) ||
      deployment.outputFileName);
  // `{job}` in an output path names the run, so repeated runs of one spec do not collide.
  const outputPath = (input.output?.path ?? `datastores/workspaceblobstore/paths/endpoints/${endpoint.name}/jobs/${name}/`).replaceAll(
    "{job}",
    name,
  );
  let outputDatastoreId: string | null = null;
  let location: string;
  try {
    const out = parseDataPath(outputPath);
    // Both reads at once: one round trip of waiting, not two.
    const [target, datastoreId] = await Promise.all([
      resolveDataTarget({ workspaceId: opts.workspaceId, path: out }),
      out.kind === "datastore" ? getDatastoreId(opts.workspaceId, out.datastore) : null,
    ]);
    outputDatastoreId = datastoreId;
    const prefix = out.path && !out.path.endsWith("/") ? `${out.path}/` : out.path;
    location = outputLocation(out, outputDatastoreId, prefix);
    if (deployment.outputAction === "append_row" && !input.overwrite && (await blobExists(target, prefix + outputFileName))) {
      // A job's folder says so whether that job still runs or has written its file: the same 409 either way.
      const claimed = await claimConflict(location, outputPath, opts.workspaceId);
      if (claimed) throw claimed;
      throw new AppError(
        "CONFLICT",
        `The output file ${formatOut(outputPath, outputFileName)} already exists. Choose another output path or file name, or pass overwrite: true.`,
        {
          fieldErrors: { "output.path": ["The output file already exists."] },
        },
      );
    }
  } catch (e) {
    if (e instanceof DataPathError) throw fieldError("output.path", e.message);
    throw e;
  }

  const settings = applyJobOverrides(
    {
      miniBatchSize: deployment.miniBatchSize,
      instanceCount: deployment.instanceCount,
      maxConcurrencyPerInstance: deployment.maxConcurrencyPerInstance,
      maxRetries: deployment.maxRetries,
      timeoutSeconds: deployment.timeoutSeconds,
      errorThreshold: deployment.errorThreshold,
      outputAction: deployment.outputAction,
      loggingLevel: deployment.loggingLevel,
      runtime: deployment.runtime,
      deployment: deploymentSnapshot(deployment),
    },
    input,
  );
  const inputs: JobInputs = {
    ...(data ? { data } : {}),
    literals,
    literalTypes: Object.fromEntries(literalEntries.map(([k, v]) => [k, v.type])),
    ...(extras.sources ? { sources: extras.sources, storageAccount: extras.storageAccount ?? undefined } : {}),
    ...(extras.maskedVariables ? { environmentVariables: extras.maskedVariables } : {}),
  };
  try {
    const job = await db.$transaction(async (tx) => {
      const created = await tx.job.create({
        data: {
          workspaceId: opts.workspaceId,
          name,
          endpointId: endpoint.id,
          endpointName: endpoint.name,
          deploymentId: deployment.id,
          deploymentName: deployment.name,
          deploymentVersion: deployment.version,
          inputs,
          settings,
          outputDatastoreId,
          outputPath,
          outputFileName,
          idempotencyKey: input.idempotencyKey ?? null,
          displayName: input.displayName ?? null,
          tags: (input.tags ?? {}) as Prisma.InputJsonValue,
          submittedById: opts.actor.userId ?? null,
          submittedVia: opts.via ?? "ui",
          jobDefinitionId: opts.origin?.jobDefinitionId ?? null,
          scheduledFor: opts.origin?.scheduledFor ?? null,
          explain: extras.explain,
          secretsCiphertext: extras.secretsCiphertext,
        },
      });
      // The output folder is this job's from now on: the primary key makes the claim atomic, so of two
      // jobs invoked in the same millisecond one gets it and the other a 409. overwrite moves the claim.
      if (input.overwrite) {
        await tx.jobOutputClaim.upsert({
          where: { location },
          create: { location, workspaceId: opts.workspaceId, jobId: created.id },
          update: { jobId: created.id, workspaceId: opts.workspaceId, createdAt: new Date() },
        });
      } else {
        await tx.jobOutputClaim.create({ data: { location, workspaceId: opts.workspaceId, jobId: created.id } });
      }
      return created;
    });
    await recordAuditEvent({
      workspaceId: opts.workspaceId,
      actor: opts.actor,
      action: "job.invoked",
      targetType: "job",
      targetId: job.id,
      metadata: { name, endpoint: endpoint.name, deployment: deployment.name },
    });
    return { job, created: true };
  } catch (e) {
    if (isUniqueViolation(e) && input.idempotencyKey) {
      const prior = await db.job.findFirst({ where: { workspaceId: opts.workspaceId, idempotencyKey: input.idempotencyKey } });
      if (prior) return { job: prior, created: false };
    }
    const claimed = isUniqueViolation(e) ? await claimConflict(location, outputPath, opts.workspaceId) : null;
    if (claimed) throw claimed;
    throw e;
  }
}

/** The 409 for an output folder another job holds (named only when it is the caller's workspace's), or null when none does. */
async function claimConflict(location: string, outputPath: string, workspaceId: string): Promise<AppError | null> {
  const owner = await db.jobOutputClaim.findUnique({ where: { location }, select: { job: { select: { name: true, workspaceId: true } } } });
  if (!owner) return null;
  const who = owner.job.workspaceId === workspaceId ? `job ${owner.job.name}` : "another job";
  return new AppError(
    "CONFLICT",
    `The output folder ${outputPath} belongs to ${who}. Choose another output path, or pass overwrite: true to take it over.`,
    {
      fieldErrors: { "output.path": ["Another job writes to this output folder."] },
    },
  );
}

/**
 * The key of an output folder for the claim: the datastore (by id, so a rename keeps it) or the
 * URL's account and container, and the folder. The folder, not the file: errors.jsonl and
 * job-summary.json sit beside the predictions.
 */
export function outputLocation(out: ReturnType<typeof parseDataPath>, datastoreId: string | null, prefix: string): string {
  if (out.kind === "datastore") return `datastore:${datastoreId ?? out.datastore}:${prefix}`;
  return `url:${out.endpoint.toLowerCase()}/${out.containerName}/${prefix}`;
}

/** The deployment version a job runs, as stored on the job (later changes of the deployment do not reach it). */
export function deploymentSnapshot(deployment: Awaited<ReturnType<typeof resolveDeployment>>["deployment"]): JobSettings["deployment"] {
  return jobDeploymentSchema.parse({
    id: deployment.id,
    version: deployment.version,
    interpreter: deployment.interpreter,
    codeDatastoreId: deployment.codeDatastoreId,
    codePath: deployment.codePath,
    scoringScript: deployment.scoringScript,
    modelDatastoreId: deployment.modelVersion?.datastoreId ?? null,
    modelPath: deployment.modelVersion?.path ?? null,
    environmentVariables: deployment.environmentVariables ?? {},
    sandboxSettings: deployment.sandboxSettings ?? {},
    condaFile: deployment.condaFile ?? null,
    requirementsFile: deployment.requirementsFile ?? null,
  });
}

async function getDatastoreId(workspaceId: string, name: string) {
  const ds = await db.datastore.findFirst({ where: { workspaceId, name }, select: { id: true } });
  return ds?.id ?? null;
}

function formatOut(path: string, file: string) {
  return `${path.replace(/\/?$/, "/")}${file}`;
}
