import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiToken } from "@/lib/api-tokens/api-tokens";
import { getDefaultStorageTarget } from "@/lib/datastores/datastores";
import { db } from "@/lib/db";
import { createEndpoint } from "@/lib/endpoints/create-endpoint";
import { outputPrefix } from "@/lib/jobs/finalize-job";
import { readBlobText } from "@/lib/storage";
import { serveApi } from "../api/helpers";
import { PYTHON, tempDir, writeWheel } from "../scoring/helpers";
import { createUserWithWorkspace } from "../support/factories";
import { startFunctionsServer } from "../support/functions-server";
import { uploadTexts, waitForJob } from "../support/jobs";

// A deployment's sandbox settings and environment file, set and shown over REST; its environment is
// built offline (pip --no-index --find-links a local wheel folder) by the real executor's scoring run,
// and the build log, or pip's error, shows on the deployment and on the job.
const tmp = tempDir("env-api");
const wheels = path.join(tmp.dir, "wheels");
const saved = { links: process.env.BATCHPOINT_PIP_FIND_LINKS, root: process.env.BATCHPOINT_ENVIRONMENTS_DIR };
let api: Awaited<ReturnType<typeof serveApi>>;
let functions: Awaited<ReturnType<typeof startFunctionsServer>>;
let workspaceId = "";
let owner = "";
let reader = "";
let other = "";

const SCORER = "import bp_envlib\ndef run(mini_batch):\n    return [bp_envlib.VALUE for _ in mini_batch]\n";

beforeAll(async () => {
  writeWheel(wheels, "bp_envlib", "2.0", "built-from-the-local-wheel");
  process.env.BATCHPOINT_PIP_FIND_LINKS = wheels;
  process.env.BATCHPOINT_ENVIRONMENTS_DIR = path.join(tmp.dir, "environments");
  api = await serveApi();
  functions = await startFunctionsServer();
  const a = await createUserWithWorkspace("env-api");
  const b = await createUserWithWorkspace("env-api-b");
  workspaceId = a.workspace.id;
  const actor = { userId: a.user.id };
  await createEndpoint({ workspaceId, actor, input: { name: "scorer" } });
  owner = (await createApiToken({ workspaceId, actor, name: "owner", role: "owner" })).token;
  reader = (await createApiToken({ workspaceId, actor, name: "reader", role: "reader" })).token;
  other = (await createApiToken({ workspaceId: b.workspace.id, actor: { userId: b.user.id }, name: "o", role: "owner" })).token;
  await uploadTexts(await getDefaultStorageTarget(workspaceId), "env-in/", 3);
});

afterAll(async () => {
  await api?.close();
  await functions?.close();
  for (const [k, v] of [
    ["BATCHPOINT_PIP_FIND_LINKS", saved.links],
    ["BATCHPOINT_ENVIRONMENTS_DIR", saved.root],
  ] as const) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  tmp.cleanup();
});

const deploymentBody = (name: string, requirements: string, extra: Record<string, unknown> = {}) => ({
  name,
  interpreter: PYTHON,
  code: { files: { "score.py": SCORER, "requirements.txt": requirements } },
  scoringScript: "score.py",
  environment: { requirementsFile: "requirements.txt" },
  settings: { miniBatchSize: 2, retrySettings: { maxRetries: 0 } },
  ...extra,
});

async function invoke(deploymentName: string) {
  const res = await api.call("POST", "/api/v1/endpoints/scorer/jobs", owner, {
    deploymentName,
    input: { type: "uri_folder", path: "datastores/workspaceblobstore/paths/env-in/" },
  });
  expect(res.status).toBe(202);
  return db.job.findFirstOrThrow({ where: { workspaceId, name: res.json.name } });
}

describe("sandbox settings over REST", () => {
  it("refuses a bad or unknown setting with 400 naming the field, and creates nothing", async () => {
    const low = await api.call("POST", "/api/v1/endpoints/scorer/deployments", owner, {
      ...deploymentBody("tight", "bp_envlib==2.0\n"),
      settings: { sandboxSettings: { memoryMiB: 16 } },
    });
    expect(low.status).toBe(400);
    expect(low.json.error.details.fieldErrors["settings.sandboxSettings.memoryMiB"]).toEqual([
      "Use at least 64 (MiB of memory per worker process).",
    ]);
    const typo = await api.call("POST", "/api/v1/endpoints/scorer/deployments", owner, {
      ...deploymentBody("tight", "bp_envlib==2.0\n"),
      settings: { sandboxSettings: { memory: 4096 } },
    });
    expect(typo.status).toBe(400);
    expect(typo.json.error.message).toMatch(/^Unknown field 'settings\.sandboxSettings\.memory'/);
    const missing = await api.call("POST", "/api/v1/endpoints/scorer/deployments", owner, {
      ...deploymentBody("tight", "bp_envlib==2.0\n"),
      environment: { condaFile: "environment/conda.yaml" },
    });
    expect(missing.status).toBe(400);
    expect(missing.json.error.details.fieldErrors["environment.condaFile"]).toEqual([
      "'environment/conda.yaml' is not among the deployment's code files; upload it with the code (paths are relative to the code folder).",
    ]);
    const option = await api.call("POST", "/api/v1/endpoints/scorer/deployments", owner, {
      ...deploymentBody("tight", "--extra-index-url https://example.test/simple\nbp_envlib\n"),
    });
    expect(option.status).toBe(400);
    expect(option.json.error.details.fieldErrors["environment.requirementsFile"][0]).toMatch(
      /^requirements\.txt: pip options are not allowed \('--extra-index-url/,
    );
    expect(await db.deployment.count({ where: { workspaceId, name: "tight" } })).toBe(0);
  });

  it("stores, shows and replaces a deployment's sandbox settings; the workers' effective limits fill in the defaults", async () => {
    const created = await api.call("POST", "/api/v1/endpoints/scorer/deployments", owner, {
      ...deploymentBody("limits", "bp_envlib==2.0\n"),
      settings: { sandboxSettings: { memoryMiB: 512, processes: 32, allowNetwork: false } },
    });
    expect(created.status).toBe(201);
    expect(created.json.settings.sandboxSettings).toEqual({ memoryMiB: 512, processes: 32, allowNetwork: false });
    expect(created.json.sandbox).toEqual({
      allowNetwork: false,
      memoryMiB: 512,
      processes: 32,
      openFiles: 1024,
      fileSizeMiB: 1024,
      cpuSeconds: 600,
    });
    expect(created.json.environment).toEqual({ condaFile: null, requirementsFile: "requirements.txt" });

    const patched = await api.call("PATCH", "/api/v1/endpoints/scorer/deployments/limits", owner, {
      settings: { sandboxSettings: { cpuSeconds: 30 } },
    });
    expect(patched.status).toBe(200);
    expect(patched.json.version).toBe(created.json.version + 1);
    expect(patched.json.settings.sandboxSettings).toEqual({ cpuSeconds: 30 });
    expect(patched.json.sandbox).toMatchObject({ memoryMiB: 2048, processes: 128, cpuSeconds: 30 });
    const bad = await api.call("PATCH", "/api/v1/endpoints/scorer/deployments/limits", owner, {
      settings: { sandboxSettings: { openFiles: 2_000_000 } },
    });
    expect(bad.status).toBe(400);
    expect(bad.json.error.details.fieldErrors["settings.sandboxSettings.openFiles"]).toEqual([
      "Use at most 1,048,576 (open files per process).",
    ]);
    const shown = await api.call("GET", "/api/v1/endpoints/scorer/deployments/limits", reader);
    expect(shown.json.settings.sandboxSettings).toEqual({ cpuSeconds: 30 });

    const removed = await api.call("PATCH", "/api/v1/endpoints/scorer/deployments/limits", owner, { environment: null });
    expect(removed.json.environment).toBeNull();
    expect((await api.call("GET", "/api/v1/endpoints/scorer/deployments/limits/environment", reader)).status).toBe(404);
  });
});

describe("environment builds through the executor", () => {
  it("builds the requirements from the local wheel folder, runs the job with it, and shows the build log on the deployment and the job", async () => {
    const created = await api.call("POST", "/api/v1/endpoints/scorer/deployments", owner, deploymentBody("good", "bp_envlib==2.0\n"));
    expect(created.status).toBe(201);
    const before = await api.call("GET", "/api/v1/endpoints/scorer/deployments/good/environment", reader);
    expect(before.status).toBe(200);
    expect(before.json).toMatchObject({ requirementsFile: "requirements.txt", status: "not_built", log: "" });

    const job = await invoke("good");
    const done = await waitForJob(job.id, undefined, 240_000);
    expect(done.status).toBe("completed");
    const target = await getDefaultStorageTarget(workspaceId);
    const out = await readBlobText(target, `${outputPrefix(done.outputPath)}predictions.csv`);
    expect(out.trim().split("\n")).toEqual(Array(3).fill("built-from-the-local-wheel"));

    const dep = await api.call("GET", "/api/v1/endpoints/scorer/deployments/good/environment", reader);
    expect(dep.json.status).toBe("ready");
    expect(dep.json.hash).toBe(before.json.hash);
    expect(dep.json.log).toContain("Successfully installed bp_envlib-2.0");
    expect(dep.json.log).toContain("--no-index");
    const onJob = await api.call("GET", `/api/v1/jobs/${job.name}/environment`, reader);
    expect(onJob.json).toMatchObject({ status: "ready", hash: dep.json.hash, log: dep.json.log });
    const text = await api.call("GET", `/api/v1/jobs/${job.name}/logs`, reader, undefined, { accept: "text/plain" });
    expect(text.text.startsWith("=== environment (requirements.txt): ready\n")).toBe(true);
    expect(text.text).toContain("Successfully installed bp_envlib-2.0");
    // Another workspace sees neither build.
    expect((await api.call("GET", "/api/v1/endpoints/scorer/deployments/good/environment", other)).status).toBe(404);
    expect((await api.call("GET", `/api/v1/jobs/${job.name}/environment`, other)).status).toBe(404);
  });

  it("fails the job with pip's error in plain words when a requirement cannot be installed, and keeps the log", async () => {
    const created = await api.call("POST", "/api/v1/endpoints/scorer/deployments", owner, deploymentBody("broken", "bp_envlib==9.9\n"));
    expect(created.status).toBe(201);
    const job = await invoke("broken");
    const done = await waitForJob(job.id, undefined, 240_000);
    expect(done.status).toBe("failed");
    const pip =
      "Building the deployment's environment failed: pip says: Could not find a version that satisfies the requirement bp_envlib==9.9 (from versions: 2.0) No matching distribution found for bp_envlib==9.9";
    expect(done.error).toContain(pip);

    const shown = await api.call("GET", `/api/v1/jobs/${job.name}`, reader);
    expect(JSON.stringify(shown.json)).toContain("No matching distribution found for bp_envlib==9.9");
    const onJob = await api.call("GET", `/api/v1/jobs/${job.name}/environment`, reader);
    expect(onJob.json).toMatchObject({ status: "failed", error: pip });
    expect(onJob.json.log).toContain("ERROR: No matching distribution found for bp_envlib==9.9");
    const dep = await api.call("GET", "/api/v1/endpoints/scorer/deployments/broken/environment", reader);
    expect(dep.json).toMatchObject({ status: "failed", error: pip });
    const text = await api.call("GET", `/api/v1/jobs/${job.name}/logs`, reader, undefined, { accept: "text/plain" });
    expect(text.text.split("\n")[0]).toBe(`=== environment (requirements.txt): failed: ${pip}`);
  });
});
