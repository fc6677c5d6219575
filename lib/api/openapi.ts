import { z } from "zod";
import { responseComponents } from "./openapi-responses";
import { createDataAssetSchema } from "@/lib/data-assets/data-assets";
import { createDatastoreSchema } from "@/lib/datastores/datastores";
import { createDeploymentSchema } from "@/lib/deployments/create-deployment";
import { updateDeploymentSchema } from "@/lib/deployments/manage-deployment";
import { createEndpointSchema } from "@/lib/endpoints/create-endpoint";
import { updateEndpointSchema } from "@/lib/endpoints/manage-endpoint";
import { createJobDefinitionSchema, updateJobDefinitionSchema } from "@/lib/job-definitions/job-definitions";
import { invokeJobSchema } from "@/lib/jobs/invoke-job";
import { retryFailedSchema } from "@/lib/jobs/manage-job";
import { createWebhookSchema } from "@/lib/webhooks/create-webhook";

/** Every object with named properties is closed: the REST routes refuse unknown fields (lib/api/strict-body.ts). */
function closeObjects(node: unknown): unknown {
  if (Array.isArray(node)) node.forEach(closeObjects);
  else if (node && typeof node === "object") {
    const o = node as Record<string, unknown>;
    if (o.type === "object" && o.properties && o.additionalProperties === undefined) o.additionalProperties = false;
    Object.values(o).forEach(closeObjects);
  }
  return node;
}
const schema = (s: z.ZodType) => closeObjects(z.toJSONSchema(s, { io: "input", unrepresentable: "any" })) as Record<string, unknown>;

const errorSchema = {
  type: "object",
  properties: {
    error: {
      type: "object",
      properties: { code: { type: "string" }, message: { type: "string" }, details: { type: "object" } },
      required: ["code", "message"],
    },
  },
};
const ERRORS = [
  ["400", "BadRequest", "Invalid request: see error.details.fieldErrors"],
  ["401", "Unauthenticated", "Missing, unknown or revoked token"],
  ["403", "Forbidden", "The token's role does not allow this"],
  ["404", "NotFound", "Not found in this workspace"],
  ["409", "Conflict", "Conflict"],
] as const;
const errorResponses = Object.fromEntries(
  ERRORS.map(([, name, description]) => [
    name,
    { description, content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } } },
  ]),
);
const errors = Object.fromEntries(ERRORS.map(([code, name]) => [code, { $ref: `#/components/responses/${name}` }]));
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
/** A JSON answer whose body is the named schema of lib/api/openapi-responses.ts. */
const ok = (schema: string, description: string, status = "200") => ({
  [status]: { description, content: { "application/json": { schema: ref(schema) } } },
  ...errors,
});
/** A file streamed as it is stored. */
const file = (description: string, contentType = "application/octet-stream") => ({
  "200": { description, content: { [contentType]: { schema: { type: "string", format: "binary" } } } },
  ...errors,
});
const deleted = { "204": { description: "Deleted" }, ...errors };
const body = (ref: string) => ({ required: true, content: { "application/json": { schema: { $ref: `#/components/schemas/${ref}` } } } });
const p = (name: string) => ({ name, in: "path", required: true, schema: { type: "string" } });
const page = [
  { name: "page", in: "query", schema: { type: "integer", minimum: 1 } },
  { name: "perPage", in: "query", schema: { type: "integer", minimum: 1, maximum: 200 } },
];

/**
 * The OpenAPI 3.1 description of REST API v1: request bodies come from the zod schemas that validate them,
 * answers from the response schemas of ./openapi-responses.ts. The CLI's types are generated from it
 * (`npm run gen:api-types`, cli/src/api-types.ts).
 */
export function openApiDocument(serverUrl: string) {
  return {
    openapi: "3.1.0",
    info: {
      title: "Batchpoint REST API",
      version: "1",
      description:
        "Batch inference: endpoints, deployments, jobs and their outputs. Authenticate with `Authorization: Bearer <workspace API token>`.",
    },
    servers: [{ url: `${serverUrl}/api/v1` }],
    security: [{ bearer: [] }],
    components: {
      securitySchemes: { bearer: { type: "http", scheme: "bearer" } },
      responses: errorResponses,
      schemas: {
        Error: errorSchema,
        CreateDatastore: schema(createDatastoreSchema),
        CreateEndpoint: schema(createEndpointSchema),
        UpdateEndpoint: schema(updateEndpointSchema),
        CreateDeployment: schema(createDeploymentSchema),
        UpdateDeployment: schema(updateDeploymentSchema),
        InvokeJob: schema(invokeJobSchema),
        CreateWebhook: schema(createWebhookSchema),
        CreateDataAsset: schema(createDataAssetSchema),
        CreateJobDefinition: schema(createJobDefinitionSchema),
        UpdateJobDefinition: schema(updateJobDefinitionSchema),
        RetryFailed: schema(retryFailedSchema),
        ...responseComponents(),
      },
    },
    paths: {
      "/openapi.json": {
        get: {
          summary: "This document (no token needed)",
          security: [],
          responses: {
            "200": { description: "The OpenAPI 3.1 document", content: { "application/json": { schema: { type: "object" } } } },
          },
        },
      },
      "/workspace": { get: { summary: "The token's workspace and role", responses: ok("WorkspaceInfo", "Workspace and role") } },
      "/members": { get: { summary: "Members of the workspace with their roles", responses: ok("MemberList", "Members") } },
      "/audit-events": {
        get: {
          summary: "The audit log, newest first (owners); each entry names its actor (user or token) and target",
          parameters: [
            ...page,
            { name: "actor", in: "query", description: "user:<id>, token:<id> or system", schema: { type: "string" } },
            { name: "action", in: "query", description: "an action (webhook.deleted) or a family (webhook)", schema: { type: "string" } },
            { name: "resource", in: "query", description: "the target type, e.g. job, endpoint, api_token", schema: { type: "string" } },
            { name: "from", in: "query", description: "first day, YYYY-MM-DD (UTC)", schema: { type: "string", format: "date" } },
            { name: "to", in: "query", description: "last day, YYYY-MM-DD (UTC), included", schema: { type: "string", format: "date" } },
          ],
          responses: ok("AuditEventPage", "Audit events"),
        },
      },
      "/datastores": {
        get: { summary: "List datastores", responses: ok("DatastoreList", "Datastores (credentials never included)") },
        post: {
          summary: "Register an Azure Blob container",
          requestBody: body("CreateDatastore"),
          responses: ok("Datastore", "Created", "201"),
        },
      },
      "/datastores/{datastore}": {
        get: { summary: "One datastore", parameters: [p("datastore")], responses: ok("Datastore", "Datastore") },
      },
      "/datastores/{datastore}/files": {
        get: {
          summary: "List one folder level",
          parameters: [
            p("datastore"),
            { name: "prefix", in: "query", schema: { type: "string" } },
            { name: "continuationToken", in: "query", description: "from the previous page's answer", schema: { type: "string" } },
          ],
          responses: ok("DatastoreFolder", "Folders and files"),
        },
      },
      "/datastores/{datastore}/files/{path}": {
        put: {
          summary: "Upload raw bytes (streamed)",
          parameters: [p("datastore"), p("path")],
          requestBody: { content: { "application/octet-stream": { schema: { type: "string", format: "binary" } } } },
          responses: ok("UploadedFile", "Uploaded", "201"),
        },
        get: { summary: "Download a file", parameters: [p("datastore"), p("path")], responses: file("The file's bytes") },
        delete: {
          summary: "Delete the file at the path; with recursive=true, the folder at the path and everything under it (owner, contributor)",
          parameters: [p("datastore"), p("path"), { name: "recursive", in: "query", schema: { type: "string", enum: ["true", "false"] } }],
          responses: ok("DeletedFiles", "What was deleted"),
        },
      },
      "/datastores/{datastore}/delete": {
        post: {
          summary:
            "Delete several files and folders (paths ending in /) at once, at most 1,000 paths and 10,000 files (owner, contributor)",
          parameters: [p("datastore")],
          requestBody: {
            required: true,
            content: {
              "application/json": {
                schema: {
                  type: "object",
                  properties: { paths: { type: "array", items: { type: "string" }, minItems: 1, maxItems: 1000 } },
                  required: ["paths"],
                  additionalProperties: false,
                },
              },
            },
          },
          responses: ok("DeletedFiles", "What was deleted"),
        },
      },
      "/models": {
        get: { summary: "List models", parameters: page, responses: ok("ModelPage", "Models") },
        post: {
          summary: "Register a model version",
          requestBody: {
            content: {
              "multipart/form-data": {
                schema: {
                  type: "object",
                  properties: {
                    name: { type: "string" },
                    version: { type: "string" },
                    description: { type: "string" },
                    files: { type: "array", items: { type: "string", format: "binary" } },
                  },
                  required: ["name", "files"],
                },
              },
            },
          },
          responses: ok("CreatedModelVersion", "Created", "201"),
        },
      },
      "/models/{model}": { get: { summary: "A model with its versions", parameters: [p("model")], responses: ok("Model", "Model") } },
      "/models/{model}/versions/{version}": {
        get: { summary: "One model version", parameters: [p("model"), p("version")], responses: ok("ModelVersion", "Model version") },
      },
      "/endpoints": {
        get: {
          summary: "List endpoints",
          parameters: [...page, { name: "q", in: "query", schema: { type: "string" } }],
          responses: ok("EndpointPage", "Endpoints"),
        },
        post: { summary: "Create an endpoint", requestBody: body("CreateEndpoint"), responses: ok("CreatedEndpoint", "Created", "201") },
      },
      "/endpoints/{endpoint}": {
        get: { summary: "One endpoint", parameters: [p("endpoint")], responses: ok("Endpoint", "Endpoint") },
        patch: {
          summary: "Update description, tags or the default deployment",
          parameters: [p("endpoint")],
          requestBody: body("UpdateEndpoint"),
          responses: ok("Endpoint", "Endpoint"),
        },
        delete: { summary: "Delete an endpoint (its jobs are kept)", parameters: [p("endpoint")], responses: deleted },
      },
      "/endpoints/{endpoint}/deployments": {
        get: { summary: "List deployments", parameters: [p("endpoint")], responses: ok("DeploymentList", "Deployments") },
        post: {
          summary: "Create a deployment",
          parameters: [p("endpoint")],
          requestBody: body("CreateDeployment"),
          responses: ok("Deployment", "Created", "201"),
        },
      },
      "/endpoints/{endpoint}/deployments/{deployment}": {
        get: { summary: "One deployment", parameters: [p("endpoint"), p("deployment")], responses: ok("Deployment", "Deployment") },
        patch: {
          summary: "Update a deployment (makes a new version)",
          parameters: [p("endpoint"), p("deployment")],
          requestBody: body("UpdateDeployment"),
          responses: ok("Deployment", "Deployment"),
        },
        delete: { summary: "Delete a deployment", parameters: [p("endpoint"), p("deployment")], responses: deleted },
      },
      "/endpoints/{endpoint}/deployments/{deployment}/environment": {
        get: {
          summary:
            "The environment built from the deployment's conda or requirements file: status (ready, failed, building, not_built, off), pip's error, notes and the build log (404 when it names none)",
          parameters: [p("endpoint"), p("deployment")],
          responses: ok("EnvironmentBuild", "Environment build"),
        },
      },
      "/endpoints/{endpoint}/jobs": {
        post: {
          summary: "Invoke the endpoint",
          parameters: [p("endpoint")],
          requestBody: body("InvokeJob"),
          responses: ok("JobStarted", "Accepted", "202"),
        },
        get: { summary: "Jobs of the endpoint", parameters: [p("endpoint"), ...page], responses: ok("JobPage", "Jobs") },
      },
      "/jobs": {
        get: {
          summary: "List jobs",
          parameters: [
            ...page,
            { name: "endpoint", in: "query", schema: { type: "string" } },
            { name: "status", in: "query", schema: { type: "string" } },
          ],
          responses: ok("JobPage", "Jobs"),
        },
      },
      "/jobs/{job}": {
        get: {
          summary: "A job with progress",
          parameters: [p("job")],
          responses: ok(
            "Job",
            "Job: progress and its unit (files, rows, items or runs), DataRobot's counts (percentageCompleted, scoredRows, failedRows, skippedRows, queuePosition) and rowOptions",
          ),
        },
      },
      "/jobs/{job}/items": {
        get: {
          summary:
            "The input items of a job over sources (Modzy): each item's status, inputs, result location and error, and counts pending/completed/failed/total",
          parameters: [p("job")],
          responses: ok("JobItems", "Items"),
        },
      },
      "/jobs/{job}/output": {
        get: {
          summary: "The merged predictions file (404 for summary_only)",
          parameters: [p("job")],
          responses: file("The merged predictions", "text/csv"),
        },
      },
      "/jobs/{job}/errors": {
        get: {
          summary: "errors.jsonl",
          parameters: [p("job")],
          responses: file("One JSON object per failed input", "application/x-ndjson"),
        },
      },
      "/jobs/{job}/summary": {
        get: { summary: "job-summary.json", parameters: [p("job")], responses: file("The run summary", "application/json") },
      },
      "/jobs/{job}/mini-batches": {
        get: {
          summary: "Mini-batches",
          parameters: [p("job"), ...page, { name: "status", in: "query", schema: { type: "string" } }],
          responses: ok("MiniBatchPage", "Mini-batches"),
        },
      },
      "/jobs/{job}/environment": {
        get: {
          summary: "The environment build of the deployment version the job ran (as for the deployment; 404 when it names no file)",
          parameters: [p("job")],
          responses: ok("EnvironmentBuild", "Environment build"),
        },
      },
      "/jobs/{job}/logs": {
        get: {
          summary:
            "The environment's build log, then whole log lines per mini-batch with the error and traceback of failed ones: text/plain, or JSON with ?format=json or Accept: application/json",
          parameters: [
            p("job"),
            { name: "miniBatch", in: "query", schema: { type: "integer" } },
            { name: "status", in: "query", schema: { type: "string" } },
            { name: "format", in: "query", schema: { enum: ["text", "json"] } },
          ],
          responses: {
            "200": {
              description: "Logs",
              content: {
                "text/plain": { schema: { type: "string" } },
                "application/json": { schema: { $ref: "#/components/schemas/JobLogs" } },
              },
            },
            ...errors,
          },
        },
      },
      "/jobs/{job}/outputs": {
        get: {
          summary: "Files in the job's output location, including those the scoring script wrote",
          parameters: [p("job")],
          responses: {
            "200": { description: "Outputs", content: { "application/json": { schema: { $ref: "#/components/schemas/JobOutputs" } } } },
            ...errors,
          },
        },
      },
      "/jobs/{job}/outputs/{path}": {
        get: {
          summary: "One output file, streamed (path may hold '/')",
          parameters: [p("job"), p("path")],
          responses: file("The file's bytes"),
        },
      },
      "/data": {
        get: {
          summary: "Data assets with their newest version",
          parameters: [...page, { name: "q", in: "query", schema: { type: "string" } }],
          responses: ok("DataAssetPage", "Data assets"),
        },
        post: {
          summary: "Register a data asset version (next integer when version is left out); 409 on an existing version",
          requestBody: body("CreateDataAsset"),
          responses: {
            "201": { description: "Created", content: { "application/json": { schema: { $ref: "#/components/schemas/DataAsset" } } } },
            ...errors,
          },
        },
      },
      "/data/{name}": {
        get: { summary: "The newest version of a data asset", parameters: [p("name")], responses: ok("DataAsset", "Data asset") },
      },
      "/data/{name}/versions": {
        get: {
          summary: "Versions of a data asset, newest first",
          parameters: [p("name"), ...page],
          responses: ok("DataAssetVersionPage", "Versions"),
        },
      },
      "/data/{name}/versions/{version}": {
        get: {
          summary: "One version ('latest' for the newest)",
          parameters: [p("name"), p("version")],
          responses: {
            "200": { description: "Data asset", content: { "application/json": { schema: { $ref: "#/components/schemas/DataAsset" } } } },
            ...errors,
          },
        },
        delete: { summary: "Delete a version (contributor)", parameters: [p("name"), p("version")], responses: deleted },
      },
      "/jobs/{job}/cancel": {
        post: { summary: "Cancel a running job", parameters: [p("job")], responses: ok("JobCanceling", "Accepted", "202") },
      },
      "/webhooks": {
        get: {
          summary: "List inbound triggers and outbound webhooks (secrets never included)",
          parameters: [...page, { name: "direction", in: "query", schema: { enum: ["inbound", "outbound"] } }],
          responses: ok("WebhookPage", "Webhooks"),
        },
        post: {
          summary: "Create an inbound trigger or an outbound webhook; the secret is returned once",
          requestBody: body("CreateWebhook"),
          responses: ok("CreatedWebhook", "Created", "201"),
        },
      },
      "/webhooks/{webhook}": {
        get: { summary: "One webhook", parameters: [p("webhook")], responses: ok("Webhook", "Webhook") },
        delete: { summary: "Delete a webhook", parameters: [p("webhook")], responses: deleted },
      },
      "/webhooks/{webhook}/deliveries": {
        get: {
          summary:
            "Deliveries with their responses; body is what was sent (outbound) or received (inbound, credentials masked, first 64 KiB)",
          parameters: [
            p("webhook"),
            ...page,
            {
              name: "status",
              in: "query",
              schema: { type: "string", enum: ["pending", "delivered", "failed", "rejected", "accepted", "ignored"] },
            },
          ],
          responses: ok("WebhookDeliveryPage", "Deliveries"),
        },
      },
      "/webhooks/{webhook}/test": {
        post: {
          summary: "Send a signed webhook.test event to an outbound webhook (owner); no body",
          parameters: [p("webhook")],
          responses: ok("NewDelivery", "Accepted: the new delivery, pending", "202"),
        },
      },
      "/webhooks/{webhook}/deliveries/{delivery}/redeliver": {
        post: {
          summary: "Send an outbound delivery again: same event id and body, freshly signed, as a new delivery (owner); no body",
          parameters: [p("webhook"), p("delivery")],
          responses: ok("NewDelivery", "Accepted: the new delivery, pending", "202"),
        },
      },
      "/job-definitions": {
        get: {
          summary: "List job definitions with their next, last and last successful runs",
          parameters: [...page, { name: "q", in: "query", schema: { type: "string" } }],
          responses: ok("JobDefinitionPage", "Job definitions"),
        },
        post: {
          summary: "Save an invoke spec with an optional schedule (cron + time zone, or DataRobot's field form)",
          requestBody: body("CreateJobDefinition"),
          responses: ok("JobDefinition", "Created", "201"),
        },
      },
      "/job-definitions/{definition}": {
        get: { summary: "One job definition", parameters: [p("definition")], responses: ok("JobDefinition", "Job definition") },
        patch: {
          summary: "Change a job definition; { enabled } pauses or resumes it",
          parameters: [p("definition")],
          requestBody: body("UpdateJobDefinition"),
          responses: ok("JobDefinition", "Job definition"),
        },
        delete: { summary: "Delete a job definition (its jobs are kept)", parameters: [p("definition")], responses: deleted },
      },
      "/job-definitions/{definition}/run": {
        post: {
          summary: "Run the definition now",
          parameters: [p("definition")],
          responses: ok("JobDefinitionRun", "Accepted", "202"),
        },
      },
      "/job-definitions/{definition}/clone": {
        post: {
          summary: "Copy the definition under a new name (the copy starts disabled)",
          parameters: [p("definition")],
          requestBody: {
            required: true,
            content: { "application/json": { schema: { type: "object", properties: { name: { type: "string" } }, required: ["name"] } } },
          },
          responses: ok("JobDefinition", "Created", "201"),
        },
      },
      "/job-definitions/{definition}/jobs": {
        get: { summary: "Jobs the definition started", parameters: [p("definition"), ...page], responses: ok("JobPage", "Jobs") },
      },
      "/jobs/{job}/retry-failed": {
        post: {
          summary: "Re-run the failed mini-batches of a finished job",
          parameters: [p("job")],
          requestBody: { required: false, content: { "application/json": { schema: ref("RetryFailed") } } },
          responses: ok("JobRetrying", "Accepted", "202"),
        },
      },
    },
  };
}
