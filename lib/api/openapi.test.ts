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

/** Every route file under app/api/v1 as an OpenAPI path ([x] is {x}, a [...x] catch-all one {x}) with the methods it exports. */
async function routeFiles() {
  const { readdirSync, readFileSync } = await import("node:fs");
  const path = await import("node:path");
  const root = path.join(process.cwd(), "app", "api", "v1");
  const routes = new Map<string, string[]>();
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, e.name);
      if (e.isDirectory()) walk(full);
      else if (e.name === "route.ts") {
        const src = readFileSync(full, "utf8");
        const methods = [...src.matchAll(/export\s+(?:const|(?:async\s+)?function)\s+(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS)\b/g)];
        const rel = path.relative(root, path.dirname(full)).split(path.sep).filter(Boolean);
        routes.set(
          `/${rel.map((s) => s.replace(/^\[(?:\.\.\.)?(.+)\]$/, "{$1}")).join("/")}`,
          methods.map((m) => m[1].toLowerCase()).sort(),
        );
      }
    }
  };
  walk(root);
  return routes;
}

describe("the OpenAPI document and the routes", () => {
  const doc = openApiDocument("http://x") as unknown as {
    paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema: { $ref?: string } }> }> }>>;
    components: { schemas: Record<string, unknown> };
  };
  const operations = (paths: Iterable<[string, string[]]>) =>
    [...paths].flatMap(([p, ms]) => ms.map((m) => `${m.toUpperCase()} ${p}`)).sort();

  it("documents every route under app/api/v1 with each method it exports, and nothing else", async () => {
    const routes = await routeFiles();
    expect(routes.size).toBeGreaterThan(40);
    const documented = operations(Object.entries(doc.paths).map(([p, ops]) => [p, Object.keys(ops)]));
    const served = operations(routes.entries());
    expect(
      served.filter((op) => !documented.includes(op)),
      "routes missing from the document",
    ).toEqual([]);
    expect(
      documented.filter((op) => !served.includes(op)),
      "documented operations no route serves",
    ).toEqual([]);
  });

  it("gives every success answer a body schema, and every $ref a component", () => {
    const missing: string[] = [];
    const refs = new Set<string>();
    for (const [p, ops] of Object.entries(doc.paths))
      for (const [m, op] of Object.entries(ops))
        for (const [status, r] of Object.entries(op.responses)) {
          if (!status.startsWith("2") || status === "204") continue;
          const schemas = Object.values(r.content ?? {}).map((c) => c.schema);
          if (!schemas.length) missing.push(`${m.toUpperCase()} ${p} ${status}`);
          for (const s of schemas) if (s.$ref) refs.add(s.$ref);
        }
    expect(missing).toEqual([]);
    const text = JSON.stringify(doc);
    for (const ref of text.matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g)) refs.add(`#/components/schemas/${ref[1]}`);
    expect([...refs].filter((r) => !(r.split("/").pop()! in doc.components.schemas))).toEqual([]);
  });

  it("describes the job's answer field by field, closed, with dates as date-time strings", () => {
    const job = doc.components.schemas.Job as { properties: Record<string, { format?: string }>; additionalProperties?: unknown };
    expect(job.additionalProperties).toBe(false);
    expect(Object.keys(job.properties)).toEqual(expect.arrayContaining(["status", "progress", "settings", "scoredRows", "links"]));
    expect(job.properties.createdAt.format).toBe("date-time");
    expect(JSON.stringify(doc.components.schemas.JobPage)).toContain('"$ref":"#/components/schemas/JobSummary"');
  });
});
