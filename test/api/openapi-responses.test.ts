import { readdirSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { z } from "zod";
import { openApiDocument } from "@/lib/api/openapi";
import { responseSchemas } from "@/lib/api/openapi-responses";
import { createApiToken } from "@/lib/api-tokens/api-tokens";
import { getDefaultStorageTarget } from "@/lib/datastores/datastores";
import { db } from "@/lib/db";
import { uploadBlob } from "@/lib/storage";
import { ALLOW_PRIVATE_ENV } from "@/lib/webhooks/egress";
import { createUserWithWorkspace } from "../support/factories";
import { startFunctionsServer } from "../support/functions-server";
import { tempDir } from "../scoring/helpers";
import { PYTHON, waitForJob } from "../support/jobs";
import { serveRoutes, startReceiver, until } from "../webhooks/helpers";

type Answer = { $ref?: string; content?: Record<string, { schema: { $ref?: string } }> };
type Doc = {
  paths: Record<string, Record<string, { responses: Record<string, Answer> }>>;
  components: { responses: Record<string, Answer> };
};
const doc = openApiDocument("http://x") as unknown as Doc;
const root = path.join(process.cwd(), "app", "api", "v1");

/** Every route file under app/api/v1, served over real HTTP as Next serves it, with its OpenAPI path template. */
async function serveAllRoutes() {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (e.isDirectory()) walk(path.join(dir, e.name));
      else if (e.name === "route.ts") files.push(path.join(dir, e.name));
    }
  };
  walk(root);
  const routes = [];
  for (const file of files) {
    const segments = path.relative(root, path.dirname(file)).split(path.sep).filter(Boolean);
    const names: { name: string; rest: boolean }[] = [];
    const pattern = segments
      .map((s) => {
        const rest = /^\[\.\.\.(.+)\]$/.exec(s);
        const one = /^\[(.+)\]$/.exec(s);
        if (rest) names.push({ name: rest[1], rest: true });
        else if (one) names.push({ name: one[1], rest: false });
        return rest ? "(.+)" : one ? "([^/]+)" : s.replace(/[.]/g, "\\.");
      })
      .join("/");
    const template = `/${segments.map((s) => s.replace(/^\[(?:\.\.\.)?(.+)\]$/, "{$1}")).join("/")}`;
    routes.push({
      template,
      pattern: new RegExp(`^/api/v1/${pattern}$`),
      params: (m: RegExpExecArray) =>
        Object.fromEntries(
          names.map((n, i) => [n.name, n.rest ? m[i + 1].split("/").map(decodeURIComponent) : decodeURIComponent(m[i + 1])]),
        ),
      methods: (await import(file)) as Record<string, (r: Request, ctx: { params: Promise<unknown> }) => Promise<Response>>,
    });
  }
  return { routes, server: await serveRoutes(routes) };
}

let api: Awaited<ReturnType<typeof serveAllRoutes>>;
let functionsServer: Awaited<ReturnType<typeof startFunctionsServer>>;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
// The deployment's (empty) requirements file is built into a venv here, not in the checkout's .data/.
const tmp = tempDir("openapi-responses");
const savedEnvironmentsDir = process.env.BATCHPOINT_ENVIRONMENTS_DIR;
let token = "";
let workspaceId = "";
/** Each documented answer ("GET /jobs/{job} 200") a test call produced and checked. */
const checked = new Set<string>();

/**
 * Calls the API and checks the answer against the document: its status is documented for the
 * operation, its content type is one the document names, and a JSON body parses with the named
 * response schema (closed objects: an undocumented field fails).
 */
async function call(method: string, url: string, body?: unknown, headers: Record<string, string> = {}) {
  const pathname = new URL(url, "http://x").pathname;
  const route = api.routes.find((r) => r.pattern.test(pathname));
  if (!route) throw new Error(`no route file serves ${pathname}`);
  const res = await fetch(`${api.server.origin}${url}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body !== undefined && !(body instanceof FormData) && typeof body !== "string" ? { "content-type": "application/json" } : {}),
      ...headers,
    },
    body: body === undefined ? undefined : body instanceof FormData || typeof body === "string" ? body : JSON.stringify(body),
  });
  const text = await res.text();
  const op = doc.paths[route.template]?.[method.toLowerCase()];
  expect(op, `${method} ${route.template} is in the document`).toBeDefined();
  const listed = op.responses[String(res.status)];
  const documented = listed?.$ref ? doc.components.responses[listed.$ref.split("/").pop()!] : listed;
  expect(
    documented,
    `${method} ${route.template} answered ${res.status}, which the document does not list: ${text.slice(0, 300)}`,
  ).toBeDefined();
  const type = (res.headers.get("content-type") ?? "").split(";")[0].trim();
  if (res.status !== 204) expect(Object.keys(documented.content ?? {}), `${method} ${route.template} ${res.status}`).toContain(type);
  const ref = documented.content?.[type]?.schema.$ref?.split("/").pop();
  let json: unknown = null;
  if (type === "application/json") {
    json = JSON.parse(text);
    if (ref && ref !== "Error") {
      const schema = responseSchemas[ref] as z.ZodType | undefined;
      expect(schema, `schema ${ref}`).toBeDefined();
      const parsed = schema!.safeParse(json);
      expect(parsed.success ? [] : parsed.error.issues, `${method} ${route.template} ${res.status} matches ${ref}`).toEqual([]);
    }
  }
  checked.add(`${method} ${route.template} ${res.status}`);
  // biome-ignore lint/suspicious/noExplicitAny: the tests read fields of answers already checked against their schema
  return { status: res.status, text, json: json as any };
}

const SCORE = `
import pandas as pd

def init():
    print("init")

def run(mini_batch):
    rows = []
    for path in mini_batch:
        print("scoring", path)
        if path.endswith("bad.txt"):
            raise ValueError("cannot score " + path)
        rows.append({"file": path.split("/")[-1], "n": len(open(path).read())})
    return pd.DataFrame(rows)
`;

beforeAll(async () => {
  process.env.BATCHPOINT_ENVIRONMENTS_DIR = path.join(tmp.dir, "environments");
  functionsServer = await startFunctionsServer();
  // The outbound webhook notifies a receiver on this machine.
  process.env[ALLOW_PRIVATE_ENV] = "1";
  receiver = await startReceiver([]);
  api = await serveAllRoutes();
  const { user, workspace } = await createUserWithWorkspace("openapi-responses");
  workspaceId = workspace.id;
  token = (await createApiToken({ workspaceId, actor: { userId: user.id }, name: "contract", role: "owner" })).token;
  const target = await getDefaultStorageTarget(workspaceId);
  await uploadBlob(target, "contract/in/a.txt", "aa");
  await uploadBlob(target, "contract/in/b.txt", "bbb");
  await uploadBlob(target, "contract/bad/bad.txt", "x");
});
afterAll(async () => {
  await api?.server.close();
  await functionsServer?.close();
  await receiver?.close();
  delete process.env[ALLOW_PRIVATE_ENV];
  if (savedEnvironmentsDir === undefined) delete process.env.BATCHPOINT_ENVIRONMENTS_DIR;
  else process.env.BATCHPOINT_ENVIRONMENTS_DIR = savedEnvironmentsDir;
  tmp.cleanup();
});

describe("the answers of REST API v1 match the OpenAPI document's response schemas", () => {
  it("for every documented JSON answer, exercised over a job's whole life", async () => {
    expect((await call("GET", "/api/v1/openapi.json")).status).toBe(200);
    expect((await call("GET", "/api/v1/workspace")).json.role).toBe("owner");
    expect((await call("GET", "/api/v1/members")).json.data).toHaveLength(1);

    // Endpoints and deployments.
    expect((await call("POST", "/api/v1/endpoints", { name: "scorer", description: "d", tags: { team: "a" } })).status).toBe(201);
    const form = new FormData();
    form.set("name", "contract-model");
    form.append("files", new Blob(["weights"]), "weights.bin");
    expect((await call("POST", "/api/v1/models", form)).json).toMatchObject({ name: "contract-model", version: "1" });
    const created = await call("POST", "/api/v1/endpoints/scorer/deployments", {
      name: "blue",
      code: { files: { "score.py": SCORE, "requirements.txt": "" } },
      scoringScript: "score.py",
      interpreter: PYTHON,
      model: "contract-model:1",
      environment: { requirementsFile: "requirements.txt" },
      settings: { miniBatchSize: 1, environmentVariables: { MODE: "fast", API_TOKEN: "hidden" }, retrySettings: { maxRetries: 0 } },
      setDefault: true,
    });
    expect(created.status).toBe(201);
    expect(created.json.settings.environmentVariables).toEqual({ MODE: "fast", API_TOKEN: "********" });
    expect((await call("PATCH", "/api/v1/endpoints/scorer", { description: "scores" })).json.defaults.deploymentName).toBe("blue");
    expect((await call("PATCH", "/api/v1/endpoints/scorer/deployments/blue", { description: "v2" })).json.description).toBe("v2");
    expect((await call("GET", "/api/v1/endpoints/scorer")).json.invokeUrl).toMatch(/\/api\/v1\/endpoints\/scorer\/jobs$/);
    expect((await call("GET", "/api/v1/endpoints")).json.data[0]).toMatchObject({ name: "scorer", defaultDeployment: "blue" });
    expect((await call("GET", "/api/v1/endpoints/scorer/deployments")).json.data).toHaveLength(1);
    expect((await call("GET", "/api/v1/endpoints/scorer/deployments/blue")).json.model).toBe("contract-model:1");
    expect((await call("GET", "/api/v1/endpoints/scorer/deployments/blue/environment")).json.requirementsFile).toBe("requirements.txt");

    // Models, datastores, files, data assets.
    expect((await call("GET", "/api/v1/models")).json.data[0]).toMatchObject({ name: "contract-model", versionCount: 1 });
    expect((await call("GET", "/api/v1/models/contract-model")).json.versions).toHaveLength(1);
    expect((await call("GET", "/api/v1/models/contract-model/versions/1")).json.files).toBe(1);
    expect((await call("GET", "/api/v1/datastores")).json.data[0].name).toBe("workspaceblobstore");
    expect((await call("GET", "/api/v1/datastores/workspaceblobstore")).json.isDefault).toBe(true);
    expect((await call("PUT", "/api/v1/datastores/workspaceblobstore/files/contract/in/c.txt", "cccc")).json.uri).toBe(
      "datastores/workspaceblobstore/paths/contract/in/c.txt",
    );
    const folder = await call("GET", "/api/v1/datastores/workspaceblobstore/files?prefix=contract/in/");
    expect(folder.json.files.map((f: { path: string }) => f.path)).toEqual(["contract/in/a.txt", "contract/in/b.txt", "contract/in/c.txt"]);
    expect((await call("GET", "/api/v1/datastores/workspaceblobstore/files/contract/in/a.txt")).text).toBe("aa");
    const asset = { name: "contract-in", type: "uri_folder", path: "datastores/workspaceblobstore/paths/contract/in/" };
    expect((await call("POST", "/api/v1/data", asset)).json.version).toBe("1");
    expect((await call("GET", "/api/v1/data")).json.data[0].latestVersion).toBe("1");
    expect((await call("GET", "/api/v1/data/contract-in")).json.path).toBe(asset.path);
    expect((await call("GET", "/api/v1/data/contract-in/versions")).json.count).toBe(1);
    expect((await call("GET", "/api/v1/data/contract-in/versions/latest")).json.version).toBe("1");

    // Webhooks.
    const inbound = await call("POST", "/api/v1/webhooks", { direction: "inbound", name: "trigger", endpointName: "scorer" });
    expect(inbound.json.secret).toEqual(expect.any(String));
    const outbound = await call("POST", "/api/v1/webhooks", {
      direction: "outbound",
      name: "notify",
      url: receiver.url,
      events: ["job.completed"],
    });
    expect((await call("GET", "/api/v1/webhooks")).json.count).toBe(2);
    expect((await call("GET", `/api/v1/webhooks/${inbound.json.id}`)).json.hookUrl).toContain("/api/hooks/");

    // A job with a failed input: progress, mini-batches, logs, outputs, files, then a retry.
    const started = await call("POST", "/api/v1/endpoints/scorer/jobs", {
      input: { type: "uri_folder", path: "azureml:contract-in@latest" },
      tags: { run: "1" },
    });
    expect(started.status).toBe(202);
    const jobRow = await db.job.findFirstOrThrow({ where: { workspaceId, name: started.json.name } });
    expect((await waitForJob(jobRow.id)).status).toBe("completed");
    const name = started.json.name;
    await until(async () => receiver.received.length > 0, undefined, "the job.completed notification");
    const deliveries = await call("GET", `/api/v1/webhooks/${outbound.json.id}/deliveries`);
    expect(deliveries.json.data[0]).toMatchObject({ eventType: "job.completed", jobName: name });
    const job = await call("GET", `/api/v1/jobs/${name}`);
    expect(job.json).toMatchObject({ status: "completed", scoredRows: 3, settings: { environmentVariables: { API_TOKEN: "********" } } });
    expect((await call("GET", `/api/v1/jobs?endpoint=scorer`)).json.data[0].name).toBe(name);
    expect((await call("GET", "/api/v1/endpoints/scorer/jobs")).json.count).toBe(1);
    const mbs = await call("GET", `/api/v1/jobs/${name}/mini-batches`);
    expect(mbs.json.data.map((m: { status: string }) => m.status)).toEqual(["completed", "completed", "completed"]);
    expect((await call("GET", `/api/v1/jobs/${name}/logs?format=json`)).json.miniBatches.length).toBeGreaterThan(0);
    expect((await call("GET", `/api/v1/jobs/${name}/logs`)).text).toContain("scoring");
    expect((await call("GET", `/api/v1/jobs/${name}/environment`)).json.requirementsFile).toBe("requirements.txt");
    expect((await call("GET", `/api/v1/jobs/${name}/items`)).json.data).toEqual([]);
    const outputs = await call("GET", `/api/v1/jobs/${name}/outputs`);
    expect(outputs.json.data.map((f: { kind: string }) => f.kind)).toEqual(["predictions", "errors", "summary"]);
    expect((await call("GET", `/api/v1/jobs/${name}/outputs/predictions.csv`)).text).toContain("a.txt");
    expect((await call("GET", `/api/v1/jobs/${name}/output`)).text).toContain("b.txt");
    expect((await call("GET", `/api/v1/jobs/${name}/errors`)).status).toBe(200);
    expect(JSON.parse((await call("GET", `/api/v1/jobs/${name}/summary`)).text)).toMatchObject({ status: "completed" });

    const failing = await call("POST", "/api/v1/endpoints/scorer/jobs", {
      input: { type: "uri_folder", path: "datastores/workspaceblobstore/paths/contract/bad/" },
    });
    const failingRow = await db.job.findFirstOrThrow({ where: { workspaceId, name: failing.json.name } });
    expect((await waitForJob(failingRow.id)).status).toBe("completed_with_errors");
    const failed = await call("GET", `/api/v1/jobs/${failing.json.name}/mini-batches?status=failed`);
    expect(failed.json.data[0].traceback ?? failed.json.data[0].error).toContain("cannot score");
    const retried = await call("POST", `/api/v1/jobs/${failing.json.name}/retry-failed`, { deploymentVersion: "current" });
    expect(retried.json).toMatchObject({ miniBatches: 1 });
    await waitForJob(failingRow.id);
    const failedJob = await call("GET", `/api/v1/jobs/${failing.json.name}`);
    expect(failedJob.json.retryRounds).toHaveLength(1);

    // Job definitions: run now, then cancel that run.
    const def = await call("POST", "/api/v1/job-definitions", {
      name: "nightly",
      endpointName: "scorer",
      spec: { input: { type: "uri_folder", path: "azureml:contract-in@latest" } },
      schedule: "0 3 * * *",
      timezone: "Europe/Paris",
    });
    expect(def.json.schedule).toEqual({ cron: "0 3 * * *", timezone: "Europe/Paris" });
    expect((await call("PATCH", "/api/v1/job-definitions/nightly", { enabled: false })).json.enabled).toBe(false);
    expect((await call("POST", "/api/v1/job-definitions/nightly/clone", { name: "nightly-copy" })).json.name).toBe("nightly-copy");
    expect((await call("GET", "/api/v1/job-definitions")).json.count).toBe(2);
    const run = await call("POST", "/api/v1/job-definitions/nightly/run");
    expect(run.status).toBe(202);
    expect((await call("POST", `/api/v1/jobs/${run.json.name}/cancel`)).json).toEqual({ name: run.json.name, status: "canceling" });
    const runRow = await db.job.findFirstOrThrow({ where: { workspaceId, name: run.json.name } });
    await waitForJob(runRow.id);
    expect((await call("GET", "/api/v1/job-definitions/nightly")).json.lastRun.job).toBe(run.json.name);
    expect((await call("GET", "/api/v1/job-definitions/nightly/jobs")).json.data[0].name).toBe(run.json.name);

    // Webhook actions: a test event, and a delivery sent again.
    const tested = await call("POST", `/api/v1/webhooks/${outbound.json.id}/test`, {});
    expect(tested.status).toBe(202);
    expect(tested.json.status).toBe("pending");
    const again = await call("POST", `/api/v1/webhooks/${outbound.json.id}/deliveries/${deliveries.json.data[0].id}/redeliver`, {});
    expect(again.status).toBe(202);
    expect(again.json.eventId).toBe(deliveries.json.data[0].eventId);

    // Deleting files: one by its path, then a selection.
    expect((await call("DELETE", "/api/v1/datastores/workspaceblobstore/files/contract/bad/bad.txt")).json).toMatchObject({ deleted: 1 });
    const removed = await call("POST", "/api/v1/datastores/workspaceblobstore/delete", { paths: ["contract/in/c.txt"] });
    expect(removed.json).toMatchObject({ deleted: 1, files: 1, folders: 0 });

    expect((await call("GET", "/api/v1/audit-events")).json.data.length).toBeGreaterThan(5);

    // Errors answer with the one error shape.
    expect((await call("GET", "/api/v1/jobs/no-such-job")).status).toBe(404);

    // Deletes.
    expect((await call("DELETE", "/api/v1/data/contract-in/versions/1")).status).toBe(204);
    expect((await call("DELETE", `/api/v1/webhooks/${inbound.json.id}`)).status).toBe(204);
    expect((await call("DELETE", "/api/v1/job-definitions/nightly-copy")).status).toBe(204);
    expect((await call("DELETE", "/api/v1/endpoints/scorer/deployments/blue")).status).toBe(204);
    expect((await call("DELETE", "/api/v1/endpoints/scorer")).status).toBe(204);

    // Every documented success answer was produced and checked above, but for POST /datastores, whose
    // answer is the same Datastore schema GET /datastores/{datastore} was checked against (registering a
    // container needs credentials of a reachable, non-private storage account).
    const documented = Object.entries(doc.paths).flatMap(([p, ops]) =>
      Object.entries(ops).flatMap(([m, op]) =>
        Object.keys(op.responses)
          .filter((s) => s.startsWith("2"))
          .map((s) => `${m.toUpperCase()} ${p} ${s}`),
      ),
    );
    expect(documented.filter((k) => !checked.has(k))).toEqual(["POST /datastores 201"]);
  });
});
