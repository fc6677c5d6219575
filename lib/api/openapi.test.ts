import { describe, expect, it } from "vitest";
import { openApiDocument } from "./openapi";

describe("openApiDocument", () => {
  const doc = openApiDocument("http://x");
  it("describes the invoke body from the zod schema that validates it", () => {
    const invoke = doc.components.schemas.InvokeJob as unknown as { properties: Record<string, unknown> };
    expect(Object.keys(invoke.properties)).toEqual(
      expect.arrayContaining(["deploymentName", "input", "inputs", "output", "overwrite", "miniBatchSize", "idempotencyKey"]),
    );
    const deployment = doc.components.schemas.CreateDeployment as unknown as {
      properties: { settings: { properties: Record<string, unknown> } };
    };
    expect(Object.keys(deployment.properties.settings.properties)).toContain("retrySettings");
  });
  it("lists every route of the contract", () => {
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        "/endpoints/{endpoint}/jobs",
        "/jobs/{job}/output",
        "/datastores/{datastore}/files/{path}",
        "/jobs/{job}/retry-failed",
        "/job-definitions",
        "/job-definitions/{definition}/run",
      ]),
    );
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        "/data",
        "/data/{name}/versions",
        "/data/{name}/versions/{version}",
        "/jobs/{job}/outputs",
        "/jobs/{job}/logs",
      ]),
    );
  });
  it("says bodies are closed and takes Azure's float literals and base64 code files", () => {
    const invoke = doc.components.schemas.InvokeJob as { additionalProperties?: unknown };
    expect(invoke.additionalProperties).toBe(false);
    expect(JSON.stringify(doc.components.schemas.InvokeJob)).toContain('"float"');
    expect(JSON.stringify(doc.components.schemas.CreateDeployment)).toContain('"base64"');
    expect(Object.keys((doc.components.schemas.CreateDataAsset as { properties: object }).properties)).toEqual([
      "name",
      "version",
      "type",
      "path",
      "description",
    ]);
  });
});

describe("the OpenAPI document and the routes", () => {
  it("documents every route under app/api/v1, with each method it exports", async () => {
    const { readdirSync, readFileSync } = await import("node:fs");
    const path = await import("node:path");
    const root = path.join(process.cwd(), "app", "api", "v1");
    const routes: { path: string; methods: string[] }[] = [];
    const walk = (dir: string) => {
      for (const e of readdirSync(dir, { withFileTypes: true })) {
        const full = path.join(dir, e.name);
        if (e.isDirectory()) walk(full);
        else if (e.name === "route.ts") {
          const src = readFileSync(full, "utf8");
          const methods = [...src.matchAll(/export const (GET|POST|PUT|PATCH|DELETE)\b/g)].map((m) => m[1].toLowerCase());
          // [...path] catch-alls are one {path} parameter; [name] segments are {name}.
          const rel = path.relative(root, path.dirname(full)).split(path.sep).filter(Boolean);
          const openapiPath = `/${rel.map((s) => s.replace(/^\[\.\.\.(.+)\]$/, "{$1}").replace(/^\[(.+)\]$/, "{$1}")).join("/")}`;
          routes.push({ path: openapiPath, methods });
        }
      }
    };
    walk(root);
    expect(routes.length).toBeGreaterThan(10);
    const doc = openApiDocument("http://x") as unknown as { paths: Record<string, Record<string, unknown>> };
    // The document names some parameters by what they are ({id} for a webhook); compare shapes, not names.
    const shape = (p: string) => p.replace(/\{[^}]+\}/g, "{}");
    const documented = new Map(Object.entries(doc.paths).map(([p, ops]) => [shape(p), Object.keys(ops)]));
    const missing = routes.flatMap((r) =>
      r.path === "/openapi.json"
        ? []
        : r.methods.filter((m) => !documented.get(shape(r.path))?.includes(m)).map((m) => `${m.toUpperCase()} ${r.path}`),
    );
    expect(missing).toEqual([]);
  });
});
