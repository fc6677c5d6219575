import { z } from "zod";
import { createDatastoreSchema } from "@/lib/datastores/datastores";
import { createDeploymentSchema } from "@/lib/deployments/create-deployment";
import { updateDeploymentSchema } from "@/lib/deployments/manage-deployment";
import { createEndpointSchema } from "@/lib/endpoints/create-endpoint";
import { updateEndpointSchema } from "@/lib/endpoints/manage-endpoint";
import { createJobDefinitionSchema, updateJobDefinitionSchema } from "@/lib/job-definitions/job-definitions";
import { invokeJobSchema } from "@/lib/jobs/invoke-job";
import { createWebhookSchema } from "@/lib/webhooks/create-webhook";

const schema = (s: z.ZodType) => z.toJSONSchema(s, { io: "input", unrepresentable: "any" });

const errorSchema = {
  type: "object",
  properties: { error: { type: "object", properties: { code: { type: "string" }, message: { type: "string" }, details: { type: "object" } }, required: ["code", "message"] } },
};
const errors = Object.fromEntries(
  [["400", "Invalid request: see error.details.fieldErrors"], ["401", "Missing, unknown or revoked token"], ["403", "The token's role does not allow this"], ["404", "Not found in this workspace"], ["409", "Conflict"]].map(([code, description]) => [
    code,
    { description, content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } } },
  ]),
);
const ok = (description: string, status = "200") => ({ [status]: { description }, ...errors });
const body = (ref: string) => ({ required: true, content: { "application/json": { schema: { $ref: `#/components/schemas/${ref}` } } } });
const p = (name: string) => ({ name, in: "path", required: true, schema: { type: "string" } });
const page = [{ name: "page", in: "query", schema: { type: "integer", minimum: 1 } }, { name: "perPage", in: "query", schema: { type: "integer", minimum: 1, maximum: 200 } }];

/** The OpenAPI 3.1 description of REST API v1; request bodies come from the zod schemas that validate them. */
export function openApiDocument(serverUrl: string) {
  return {
    openapi: "3.1.0",
    info: { title: "Batchpoint REST API", version: "1", description: "Batch inference: endpoints, deployments, jobs and their outputs. Authenticate with `Authorization: Bearer <workspace API token>`." },
    servers: [{ url: `${serverUrl}/api/v1` }],
    security: [{ bearer: [] }],
    components: {
      securitySchemes: { bearer: { type: "http", scheme: "bearer" } },
      schemas: {
        Error: errorSchema,
        CreateDatastore: schema(createDatastoreSchema),
        CreateEndpoint: schema(createEndpointSchema),
        UpdateEndpoint: schema(updateEndpointSchema),
        CreateDeployment: schema(createDeploymentSchema),
        UpdateDeployment: schema(updateDeploymentSchema),
        InvokeJob: schema(invokeJobSchema),
        CreateWebhook: schema(createWebhookSchema),
        CreateJobDefinition: schema(createJobDefinitionSchema),
        UpdateJobDefinition: schema(updateJobDefinitionSchema),
      },
    },
    paths: {
      "/workspace": { get: { summary: "The token's workspace and role", responses: ok("Workspace and role") } },
      "/members": { get: { summary: "Members of the workspace with their roles", responses: ok("Members") } },
      "/audit-events": { get: { summary: "The audit log, newest first (owners)", parameters: page, responses: ok("Audit events") } },
      "/datastores": {
        get: { summary: "List datastores", responses: ok("Datastores (credentials never included)") },
        post: { summary: "Register an Azure Blob container", requestBody: body("CreateDatastore"), responses: ok("Created", "201") },
      },
      "/datastores/{datastore}": { get: { summary: "One datastore", parameters: [p("datastore")], responses: ok("Datastore") } },
      "/datastores/{datastore}/files": { get: { summary: "List one folder level", parameters: [p("datastore"), { name: "prefix", in: "query", schema: { type: "string" } }], responses: ok("Folders and files") } },
      "/datastores/{datastore}/files/{path}": {
        put: { summary: "Upload raw bytes (streamed)", parameters: [p("datastore"), p("path")], requestBody: { content: { "application/octet-stream": { schema: { type: "string", format: "binary" } } } }, responses: ok("Uploaded", "201") },
        get: { summary: "Download a file", parameters: [p("datastore"), p("path")], responses: ok("The file's bytes") },
      },
      "/models": {
        get: { summary: "List models", parameters: page, responses: ok("Models") },
        post: {
          summary: "Register a model version",
          requestBody: { content: { "multipart/form-data": { schema: { type: "object", properties: { name: { type: "string" }, version: { type: "string" }, description: { type: "string" }, files: { type: "array", items: { type: "string", format: "binary" } } }, required: ["name", "files"] } } } },
          responses: ok("Created", "201"),
        },
      },
      "/models/{model}": { get: { summary: "A model with its versions", parameters: [p("model")], responses: ok("Model") } },
      "/models/{model}/versions/{version}": { get: { summary: "One model version", parameters: [p("model"), p("version")], responses: ok("Model version") } },
      "/endpoints": {
        get: { summary: "List endpoints", parameters: [...page, { name: "q", in: "query", schema: { type: "string" } }], responses: ok("Endpoints") },
        post: { summary: "Create an endpoint", requestBody: body("CreateEndpoint"), responses: ok("Created", "201") },
      },
      "/endpoints/{endpoint}": {
        get: { summary: "One endpoint", parameters: [p("endpoint")], responses: ok("Endpoint") },
        patch: { summary: "Update description, tags or the default deployment", parameters: [p("endpoint")], requestBody: body("UpdateEndpoint"), responses: ok("Endpoint") },
        delete: { summary: "Delete an endpoint (its jobs are kept)", parameters: [p("endpoint")], responses: ok("Deleted", "204") },
      },
      "/endpoints/{endpoint}/deployments": {
        get: { summary: "List deployments", parameters: [p("endpoint")], responses: ok("Deployments") },
        post: { summary: "Create a deployment", parameters: [p("endpoint")], requestBody: body("CreateDeployment"), responses: ok("Created", "201") },
      },
      "/endpoints/{endpoint}/deployments/{deployment}": {
        get: { summary: "One deployment", parameters: [p("endpoint"), p("deployment")], responses: ok("Deployment") },
        patch: { summary: "Update a deployment (makes a new version)", parameters: [p("endpoint"), p("deployment")], requestBody: body("UpdateDeployment"), responses: ok("Deployment") },
        delete: { summary: "Delete a deployment", parameters: [p("endpoint"), p("deployment")], responses: ok("Deleted", "204") },
      },
      "/endpoints/{endpoint}/jobs": {
        post: { summary: "Invoke the endpoint", parameters: [p("endpoint")], requestBody: body("InvokeJob"), responses: ok("Accepted: { name, status, links }", "202") },
        get: { summary: "Jobs of the endpoint", parameters: [p("endpoint"), ...page], responses: ok("Jobs") },
      },
      "/jobs": { get: { summary: "List jobs", parameters: [...page, { name: "endpoint", in: "query", schema: { type: "string" } }, { name: "status", in: "query", schema: { type: "string" } }], responses: ok("Jobs") } },
      "/jobs/{job}": { get: { summary: "A job with progress", parameters: [p("job")], responses: ok("Job") } },
      "/jobs/{job}/output": { get: { summary: "The merged predictions file (404 for summary_only)", parameters: [p("job")], responses: ok("text/csv") } },
      "/jobs/{job}/errors": { get: { summary: "errors.jsonl", parameters: [p("job")], responses: ok("application/x-ndjson") } },
      "/jobs/{job}/summary": { get: { summary: "job-summary.json", parameters: [p("job")], responses: ok("application/json") } },
      "/jobs/{job}/mini-batches": { get: { summary: "Mini-batches", parameters: [p("job"), ...page, { name: "status", in: "query", schema: { type: "string" } }], responses: ok("Mini-batches") } },
      "/jobs/{job}/logs": { get: { summary: "Captured logs", parameters: [p("job"), { name: "miniBatch", in: "query", schema: { type: "integer" } }], responses: ok("text/plain") } },
      "/jobs/{job}/cancel": { post: { summary: "Cancel a running job", parameters: [p("job")], responses: ok("Accepted", "202") } },
      "/webhooks": {
        get: { summary: "List inbound triggers and outbound webhooks (secrets never included)", responses: ok("Webhooks") },
        post: { summary: "Create an inbound trigger or an outbound webhook; the secret is returned once", requestBody: body("CreateWebhook"), responses: ok("Created", "201") },
      },
      "/webhooks/{id}": {
        get: { summary: "One webhook", parameters: [p("id")], responses: ok("Webhook") },
        delete: { summary: "Delete a webhook", parameters: [p("id")], responses: ok("Deleted", "204") },
      },
      "/webhooks/{id}/deliveries": { get: { summary: "Deliveries with their responses", parameters: [p("id"), ...page], responses: ok("Deliveries") } },
      "/job-definitions": {
        get: { summary: "List job definitions with their next, last and last successful runs", parameters: [...page, { name: "q", in: "query", schema: { type: "string" } }], responses: ok("Job definitions") },
        post: { summary: "Save an invoke spec with an optional schedule (cron + time zone, or DataRobot's field form)", requestBody: body("CreateJobDefinition"), responses: ok("Created", "201") },
      },
      "/job-definitions/{definition}": {
        get: { summary: "One job definition", parameters: [p("definition")], responses: ok("Job definition") },
        patch: { summary: "Change a job definition; { enabled } pauses or resumes it", parameters: [p("definition")], requestBody: body("UpdateJobDefinition"), responses: ok("Job definition") },
        delete: { summary: "Delete a job definition (its jobs are kept)", parameters: [p("definition")], responses: ok("Deleted", "204") },
      },
      "/job-definitions/{definition}/run": { post: { summary: "Run the definition now", parameters: [p("definition")], responses: ok("Accepted: { name, status, links }", "202") } },
      "/job-definitions/{definition}/clone": {
        post: { summary: "Copy the definition under a new name (the copy starts disabled)", parameters: [p("definition")], requestBody: { required: true, content: { "application/json": { schema: { type: "object", properties: { name: { type: "string" } }, required: ["name"] } } } }, responses: ok("Created", "201") },
      },
      "/job-definitions/{definition}/jobs": { get: { summary: "Jobs the definition started", parameters: [p("definition"), ...page], responses: ok("Jobs") } },
      "/jobs/{job}/retry-failed": { post: { summary: "Re-run the failed mini-batches of a finished job", parameters: [p("job")], responses: ok("Accepted", "202") } },
    },
  };
}
