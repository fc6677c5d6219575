import { z } from "zod";
import { DATA_INPUT_TYPES } from "@/lib/jobs/invoke-job";
import { JOB_STATUSES } from "@/shared/job-status";

/**
 * The JSON bodies REST API v1 answers with, one named schema each (docs/decisions/0026). The OpenAPI
 * document publishes them under components.schemas, the CLI's types are generated from that document
 * (cli/src/api-types.ts), and test/api/openapi-responses.test.ts parses real answers with them. Every
 * object is closed: a field a route adds must be added here, or that test fails.
 */
export const responseRegistry = z.registry<{ id: string; description?: string }>();

/** The response schemas by their component name, for tests that parse real answers. */
export const responseSchemas: Record<string, z.ZodType> = {};

const named = <S extends z.ZodType>(id: string, schema: S, description?: string) => {
  responseRegistry.add(schema as z.ZodType, { id, ...(description ? { description } : {}) });
  responseSchemas[id] = schema;
  return schema;
};

const o = z.strictObject;
const date = z.iso.datetime({ offset: true });
const nullableDate = date.nullable();
const str = z.string();
const nstr = z.string().nullable();
const int = z.number().int();
const tags = z.record(z.string(), z.string());
const page = <S extends z.ZodType>(item: S) => ({
  data: z.array(item),
  count: int,
  page: int,
  perPage: int,
  totalPages: int,
});

const jobStatus = named("JobStatus", z.enum(JOB_STATUSES));
const miniBatchStatus = z.enum(["pending", "running", "completed", "failed", "canceled"]);
const role = z.enum(["owner", "contributor", "scientist", "reader"]);

export const workspaceInfoSchema = named(
  "WorkspaceInfo",
  o({ workspace: o({ id: str, slug: str, name: str }), role }),
  "The token's workspace and role",
);

export const memberListSchema = named("MemberList", o({ data: z.array(o({ email: str, name: nstr, role, joinedAt: date })) }));

const auditEvent = o({
  id: str,
  workspaceId: str,
  actorUserId: nstr,
  actorTokenId: nstr,
  actorWebhookId: nstr.describe("The inbound webhook that acted (a job it started)"),
  action: str,
  targetType: str,
  targetId: nstr,
  metadata: z.record(z.string(), z.unknown()),
  createdAt: date,
  actorEmail: nstr,
  actorTokenName: nstr,
  actorWebhookName: nstr.describe("The inbound webhook's name; null once it is deleted"),
  target: o({ type: str, id: nstr, name: nstr, href: nstr, parent: nstr.optional() }),
});
export const auditEventPageSchema = named("AuditEventPage", o(page(auditEvent)));

export const datastoreSchema = named(
  "Datastore",
  o({
    id: str,
    name: str,
    description: nstr,
    kind: z.enum(["azure_blob", "filesystem"]).describe("A blob container, or a folder on the server read in place"),
    auth: z.enum(["platform", "connection_string", "account_key", "sas"]),
    accountName: nstr,
    containerName: str,
    isDefault: z.boolean(),
    createdAt: date,
  }),
  "A datastore; its credentials are never returned",
);
export const datastoreListSchema = named("DatastoreList", o({ data: z.array(datastoreSchema) }));
export const datastoreFolderSchema = named(
  "DatastoreFolder",
  o({
    folders: z.array(str),
    files: z.array(o({ path: str, size: int, lastModified: date })),
    refused: z.array(o({ name: str, reason: str })).describe("Blobs whose names the platform does not accept, with the reason"),
    continuationToken: str.optional(),
  }),
  "One level of a datastore folder",
);
export const uploadedFileSchema = named("UploadedFile", o({ datastore: str, path: str, uri: str }));

const modelVersion = o({ version: str, description: nstr, files: int, sizeBytes: int, createdAt: date });
export const modelPageSchema = named(
  "ModelPage",
  o(page(o({ id: str, name: str, description: nstr, latestVersion: nstr, versionCount: int, updatedAt: date }))),
);
export const modelSchema = named("Model", o({ name: str, description: nstr, createdAt: date, versions: z.array(modelVersion) }));
export const modelVersionSchema = named("ModelVersion", o({ name: str, ...modelVersion.shape }));
export const createdModelVersionSchema = named(
  "CreatedModelVersion",
  o({ name: str, version: str, files: int, sizeBytes: int, createdAt: date }),
);

export const dataAssetSchema = named(
  "DataAsset",
  o({
    name: str,
    version: str,
    type: z.enum(["uri_folder", "uri_file"]),
    path: str,
    description: nstr,
    createdBy: nstr,
    createdAt: date,
  }),
);
export const dataAssetPageSchema = named(
  "DataAssetPage",
  o(
    page(
      o({
        name: str,
        latestVersion: str,
        type: z.enum(["uri_folder", "uri_file"]),
        path: str,
        description: nstr,
        versionCount: int,
        updatedAt: date,
      }),
    ),
  ),
);
export const dataAssetVersionPageSchema = named("DataAssetVersionPage", o(page(dataAssetSchema)));

export const endpointPageSchema = named(
  "EndpointPage",
  o(
    page(
      o({
        id: str,
        name: str,
        description: nstr,
        tags,
        defaultDeployment: nstr,
        deploymentCount: int,
        deploymentNames: z.array(str),
        jobCount: int,
        lastJob: o({ name: str, status: jobStatus }).nullable(),
        updatedAt: date,
      }),
    ),
  ),
);
export const createdEndpointSchema = named("CreatedEndpoint", o({ name: str, description: nstr, tags, createdAt: date }));
export const endpointSchema = named(
  "Endpoint",
  o({
    name: str,
    description: nstr,
    tags,
    defaults: o({ deploymentName: nstr }),
    deployments: z.array(o({ name: str, version: int, isDefault: z.boolean() })),
    invokeUrl: str,
    createdAt: date,
    updatedAt: date,
  }),
);

const sandboxLimits = {
  memoryMiB: int,
  processes: int,
  openFiles: int,
  fileSizeMiB: int,
  cpuSeconds: int,
};
export const deploymentSchema = named(
  "Deployment",
  o({
    name: str,
    endpointName: str,
    description: nstr,
    version: int,
    isDefault: z.boolean(),
    model: nstr.describe("name:version of the model, or null"),
    runtime: z.enum(["python", "node"]),
    interpreter: nstr,
    scoringScript: str,
    settings: o({
      miniBatchSize: int,
      instanceCount: int,
      maxConcurrencyPerInstance: int,
      retrySettings: o({ maxRetries: int, timeout: int }),
      errorThreshold: int,
      outputAction: z.enum(["append_row", "summary_only"]),
      outputFileName: str,
      loggingLevel: z.enum(["debug", "info", "warning", "error"]),
      environmentVariables: z.record(z.string(), z.string()).describe("Secret-looking values are masked"),
      sandboxSettings: o({ allowNetwork: z.boolean().optional(), ...z.object(sandboxLimits).partial().shape }),
      supportsExplanations: z.boolean(),
    }),
    sandbox: o({ allowNetwork: z.boolean(), ...sandboxLimits }).describe("What the workers get: sandboxSettings over the defaults"),
    environment: o({ condaFile: nstr, requirementsFile: nstr }).nullable(),
    createdAt: date,
    updatedAt: date,
  }),
);
export const deploymentListSchema = named("DeploymentList", o({ data: z.array(deploymentSchema) }));

export const environmentBuildSchema = named(
  "EnvironmentBuild",
  o({
    condaFile: nstr,
    requirementsFile: nstr,
    status: z.enum(["ready", "failed", "building", "not_built", "off"]),
    hash: nstr,
    error: nstr,
    notes: z.array(str),
    log: str,
  }),
  "The environment built from a deployment's conda or requirements file",
);

const counts = o({ total: int, completed: int, failed: int, pending: int });
const rowOptions = o({
  passthroughColumnsSet: z.literal("all").optional(),
  passthroughColumns: z.array(str).optional(),
  csvSettings: o({ delimiter: str, quotechar: str, encoding: str }).nullable(),
  columnNamesRemapping: z.record(z.string(), nstr),
  includePredictionStatus: z.boolean(),
});
export const jobSchema = named(
  "Job",
  o({
    name: str,
    displayName: nstr,
    tags,
    status: jobStatus,
    endpoint: str,
    deployment: str,
    deploymentVersion: int,
    inputs: o({
      data: o({
        name: str,
        type: z.enum(DATA_INPUT_TYPES),
        path: str,
        header: str.optional(),
        columns: z.array(str).optional(),
        options: z.record(z.string(), z.unknown()).optional(),
      }).optional(),
      literals: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
      literalTypes: z.record(z.string(), z.string()).optional(),
      sources: z.array(o({ key: str, files: z.array(o({ name: str, container: str, filePath: str })) })).optional(),
      storageAccount: str.optional(),
      environmentVariables: z.record(z.string(), z.string()).optional().describe("The job's own variables, values masked"),
    }),
    explain: z.boolean(),
    unit: z
      .enum(["files", "rows", "items", "runs"])
      .describe("What the job's counts count: files, rows (tabular, jsonl), items (sources) or runs (no data)"),
    settings: o({
      miniBatchSize: int,
      instanceCount: int,
      maxConcurrencyPerInstance: int,
      maxRetries: int,
      timeoutSeconds: int,
      errorThreshold: int,
      outputAction: z.enum(["append_row", "summary_only"]),
      loggingLevel: z.enum(["debug", "info", "warning", "error"]),
      runtime: z.enum(["python", "node"]),
      environmentVariables: z.record(z.string(), z.string()).describe("The deployment's variables as the job ran, masked"),
    }),
    output: o({ path: str, fileName: str }),
    progress: o({
      percent: int,
      miniBatches: counts,
      files: counts,
      throughput: z.number().nullable().describe("inputs per second since the job started"),
      etaSeconds: int.nullable(),
      elapsedSeconds: int.nullable(),
    }),
    actions: o({ cancel: z.boolean(), retryFailed: z.boolean(), rerun: z.boolean() }).describe(
      "What the job's state allows, before the caller's role is checked",
    ),
    percentageCompleted: int,
    scoredRows: int,
    failedRows: int,
    skippedRows: int,
    queuePosition: int.nullable(),
    rowOptions: rowOptions.nullable(),
    error: nstr,
    submittedVia: str,
    createdAt: date,
    startedAt: nullableDate,
    finishedAt: nullableDate,
    retryRounds: z.array(
      o({
        round: int,
        deploymentVersion: int,
        versionChoice: str,
        counts: o({ miniBatches: int, inputs: int, succeeded: int.nullable(), failed: int.nullable() }),
        status: jobStatus.nullable(),
        startedAt: date,
        finishedAt: nullableDate,
      }),
    ),
    links: o({ self: str, output: str, errors: str, miniBatches: str, logs: str, items: str.optional() }),
    items: o({ pending: int, completed: int, failed: int, total: int }).optional().describe("A job over sources: its items' counts"),
  }),
  "A job with its progress",
);

export const jobSummarySchema = named(
  "JobSummary",
  o({
    name: str,
    displayName: nstr,
    tags,
    status: jobStatus,
    endpoint: str,
    deployment: str,
    files: o({ total: int, completed: int, failed: int }),
    createdAt: date,
    startedAt: nullableDate,
    finishedAt: nullableDate,
  }),
  "A row of a job list",
);
export const jobPageSchema = named("JobPage", o(page(jobSummarySchema)));
export const jobStartedSchema = named(
  "JobStarted",
  o({
    name: str,
    displayName: nstr.optional(),
    tags: tags.optional(),
    status: jobStatus,
    created: z.boolean().describe("false when an idempotency key returned an existing job"),
    links: jobSchema.shape.links,
  }),
  "An accepted invocation",
);
export const jobCancelingSchema = named("JobCanceling", o({ name: str, status: z.literal("canceling") }));
export const jobRetryingSchema = named(
  "JobRetrying",
  o({ name: str, status: jobStatus, miniBatches: int.describe("mini-batches queued again"), deploymentVersion: int }),
);

export const miniBatchPageSchema = named(
  "MiniBatchPage",
  o(
    page(
      o({
        index: int,
        status: miniBatchStatus,
        itemCount: int,
        succeededCount: int,
        failedCount: int,
        attempts: int,
        durationMs: int.nullable(),
        error: nstr,
        traceback: nstr,
        startedAt: nullableDate,
        finishedAt: nullableDate,
        items: z.unknown().describe("The stored item list (file paths) or, for rows, null"),
        inputs: z.array(str).describe("What the mini-batch scores, as people read it"),
        rows: z.tuple([int, int]).nullable().describe("First and last row number, for row input"),
      }),
    ),
  ),
);

export const jobItemsSchema = named(
  "JobItems",
  o({
    job: str,
    status: jobStatus,
    counts: o({ pending: int, completed: int, failed: int, total: int }),
    data: z.array(
      o({
        key: str,
        status: miniBatchStatus,
        inputs: z.record(z.string(), o({ container: str, filePath: str })),
        attempts: int,
        result: o({ location: str, files: z.array(o({ path: str, size: int })) }).nullable(),
        error: nstr,
      }),
    ),
  }),
  "The input items of a job over sources",
);

export const jobLogsSchema = named(
  "JobLogs",
  o({
    job: str,
    status: jobStatus,
    error: nstr,
    miniBatches: z.array(
      o({
        index: int,
        status: miniBatchStatus,
        attempts: int,
        error: nstr,
        traceback: nstr,
        lines: z.array(str),
        truncated: z.boolean(),
        finishedAt: nullableDate,
      }),
    ),
    environment: environmentBuildSchema.nullable(),
  }),
);

export const jobOutputsSchema = named(
  "JobOutputs",
  o({
    job: str,
    status: jobStatus,
    outputPath: str,
    count: int,
    data: z.array(
      o({
        path: str,
        kind: z.enum(["predictions", "errors", "summary", "script"]),
        miniBatch: int.nullable(),
        size: int.nullable(),
        url: str,
      }),
    ),
  }),
);

const webhookFields = {
  id: str,
  name: str,
  direction: z.enum(["inbound", "outbound"]),
  deploymentName: nstr,
  template: z.record(z.string(), z.unknown()).nullable(),
  url: nstr,
  events: z.array(str),
  enabled: z.boolean(),
  createdAt: date,
  updatedAt: date,
  endpointName: nstr,
  hookPath: nstr,
  hookUrl: nstr.describe("inbound: the signed URL that starts a job"),
};
export const webhookSchema = named("Webhook", o(webhookFields), "An inbound trigger or an outbound webhook; secrets never included");
export const webhookPageSchema = named("WebhookPage", o(page(webhookSchema)));
export const createdWebhookSchema = named("CreatedWebhook", o({ ...webhookFields, secret: str.describe("Shown in this answer only") }));
export const webhookDeliveryPageSchema = named(
  "WebhookDeliveryPage",
  o(
    page(
      o({
        id: str,
        eventId: str,
        eventType: str,
        status: str,
        attempts: int,
        responseStatus: int.nullable(),
        responseBody: nstr,
        error: nstr,
        jobId: nstr,
        sequence: int,
        redeliveryOfId: nstr,
        createdAt: date,
        updatedAt: date,
        jobName: nstr,
        body: nstr.describe("Outbound: the exact bytes sent. Inbound: the request received, credentials masked, its first 64 KiB"),
        bodyBytes: int.nullable().describe("The whole body's size in bytes"),
        requestHeaders: z.record(z.string(), z.string()).nullable().describe("Inbound: the request's allowlisted headers"),
      }),
    ),
  ),
);

export const newDeliverySchema = named(
  "NewDelivery",
  o({ id: str, eventId: str, eventType: str, status: str, sequence: int, createdAt: date }),
  "A delivery just queued (pending)",
);
export const deletedFilesSchema = named(
  "DeletedFiles",
  o({ deleted: int.describe("files (blobs) deleted"), folders: int, files: int }),
  "How many files were deleted, and how many folders and files of the selection they came from",
);

const definitionRun = o({ job: str, status: jobStatus, at: date, finishedAt: nullableDate, scheduledFor: nullableDate }).nullable();
export const jobDefinitionSchema = named(
  "JobDefinition",
  o({
    name: str,
    description: nstr,
    endpoint: str,
    deployment: nstr,
    spec: z.record(z.string(), z.unknown()).describe("The invoke body it runs"),
    schedule: o({ cron: str, timezone: str }).nullable(),
    enabled: z.boolean(),
    overlapPolicy: str,
    nextRunAt: nullableDate,
    lastRun: definitionRun,
    lastSuccessfulRun: definitionRun,
    lastRunNote: nstr,
    lastRunAt: nullableDate,
    createdAt: date,
    updatedAt: date,
    links: o({ self: str, run: str, clone: str, jobs: str }),
  }),
);
export const jobDefinitionPageSchema = named("JobDefinitionPage", o(page(jobDefinitionSchema)));
export const jobDefinitionRunSchema = named(
  "JobDefinitionRun",
  o({ name: str, status: jobStatus, created: z.boolean(), links: jobSchema.shape.links }),
);

/** The registered schemas as JSON Schema (OpenAPI 3.1), cross-referenced under #/components/schemas. */
export function responseComponents(): Record<string, Record<string, unknown>> {
  const { schemas } = z.toJSONSchema(responseRegistry, {
    io: "output",
    uri: (id) => `#/components/schemas/${id}`,
  });
  return Object.fromEntries(
    Object.entries(schemas).map(([id, s]) => {
      const { $schema: _drop, id: _id, ...rest } = s as Record<string, unknown>;
      return [id, rest];
    }),
  );
}
