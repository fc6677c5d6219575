import { describe, expect, it } from "vitest";
import { openApiDocument } from "./openapi";

describe("openApiDocument", () => {
  const doc = openApiDocument("http://x");
  it("describes the invoke body from the zod schema that validates it", () => {
    const invoke = doc.components.schemas.InvokeJob as unknown as { properties: Record<string, unknown> };
    expect(Object.keys(invoke.properties)).toEqual(expect.arrayContaining(["deploymentName", "input", "inputs", "output", "overwrite", "miniBatchSize", "idempotencyKey"]));
    const deployment = doc.components.schemas.CreateDeployment as unknown as { properties: { settings: { properties: Record<string, unknown> } } };
    expect(Object.keys(deployment.properties.settings.properties)).toContain("retrySettings");
  });
  it("lists every route of the contract", () => {
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(["/endpoints/{endpoint}/jobs", "/jobs/{job}/output", "/datastores/{datastore}/files/{path}", "/jobs/{job}/retry-failed", "/job-definitions", "/job-definitions/{definition}/run"]));
  });
});
