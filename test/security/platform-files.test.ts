import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as deploymentRoute from "@/app/api/v1/endpoints/[endpoint]/deployments/[deployment]/route";
import * as dsFile from "@/app/api/v1/datastores/[datastore]/files/[...path]/route";
import * as dsFiles from "@/app/api/v1/datastores/[datastore]/files/route";
import * as modelsRoute from "@/app/api/v1/models/route";
import { createApiToken } from "@/lib/api-tokens/api-tokens";
import { migratePlatformFiles } from "@/lib/bootstrap/migrate-platform-files";
import { getDefaultStorageTarget } from "@/lib/datastores/datastores";
import { db } from "@/lib/db";
import { outputPrefix } from "@/lib/jobs/finalize-job";
import { startJob } from "@/lib/jobs/job-commands";
import { listModelVersionFiles } from "@/lib/models/find-models";
import { readBlobText, uploadBlob } from "@/lib/storage";
import { isFileSetRef, platformFilesContainer } from "@/lib/storage/platform-files";
import { startFunctionsServer } from "../support/functions-server";
import { deploymentFixture, PYTHON, uploadTexts, waitForJob } from "../support/jobs";
import { serveRoutes } from "../webhooks/helpers";

let functions: Awaited<ReturnType<typeof startFunctionsServer>>;
let api: Awaited<ReturnType<typeof serveRoutes>>;
beforeAll(async () => {
  functions = await startFunctionsServer();
  api = await serveRoutes([
    { pattern: /^\/api\/v1\/datastores\/([^/]+)\/files$/, params: (m) => ({ datastore: m[1] }), methods: dsFiles },
    {
      pattern: /^\/api\/v1\/datastores\/([^/]+)\/files\/(.+)$/,
      params: (m) => ({ datastore: m[1], path: m[2].split("/") }),
      methods: dsFile,
    },
    {
      pattern: /^\/api\/v1\/endpoints\/([^/]+)\/deployments\/([^/]+)$/,
      params: (m) => ({ endpoint: m[1], deployment: m[2] }),
      methods: deploymentRoute,
    },
    { pattern: /^\/api\/v1\/models$/, params: () => ({}), methods: modelsRoute },
  ]);
});
afterAll(async () => {
  await functions?.close();
  await api?.close();
});

const ORIGINAL = "def init(): pass\ndef run(batch):\n    return ['original' for _ in batch]\n";
const EVIL = "import os\ndef init(): pass\ndef run(batch):\n    return ['attacker ' + ','.join(sorted(os.environ)) for _ in batch]\n";

async function call(method: string, path: string, token: string, body?: string | Buffer | FormData, contentType?: string) {
  const res = await fetch(`${api.origin}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(contentType ? { "content-type": contentType } : {}) },
    body: body as BodyInit | undefined,
  });
  const text = await res.text();
  return { status: res.status, text, json: text ? JSON.parse(text) : null };
}

async function runJob(workspaceId: string, actor: { userId: string }, prefix: string) {
  const { job } = await startJob({
    workspaceId,
    actor,
    endpointName: "scorer",
    input: { input: { type: "uri_folder", path: `datastores/workspaceblobstore/paths/${prefix}` } },
  });
  const done = await waitForJob(job.id);
  return { job: done, target: await getDefaultStorageTarget(workspaceId) };
}

describe("a scientist cannot change the code a deployment runs", () => {
  it("overwriting every old platform path and listing the store changes nothing the next jobs run, before and after a settings-only update", async () => {
    const { workspace, actor, target } = await deploymentFixture({
      code: { files: { "score.py": ORIGINAL } },
      scoringScript: "score.py",
      interpreter: PYTHON,
      settings: { environmentVariables: { API_TOKEN: "tok-secret-1" } },
    });
    const scientist = (await createApiToken({ workspaceId: workspace.id, actor, name: "sci", role: "scientist" })).token;
    const owner = (await createApiToken({ workspaceId: workspace.id, actor, name: "own", role: "owner" })).token;
    await uploadTexts(target, "in/", 2);

    const row = await db.deployment.findFirstOrThrow({ where: { workspaceId: workspace.id } });
    expect(isFileSetRef(row.codePath)).toBe(true);
    expect(row.codeDatastoreId).toBeNull();

    // The old layout's paths, for every version the attacker might guess: writable, but never read.
    for (const v of [1, 2, 3]) {
      const put = await call(
        "PUT",
        `/api/v1/datastores/workspaceblobstore/files/_batchpoint/deployments/scorer/blue/v${v}/code/score.py`,
        scientist,
        EVIL,
        "text/x-python",
      );
      expect(put.status).toBe(201);
    }
    // Nothing of the platform's shows in the tenant's store.
    const root = await call(
      "GET",
      "/api/v1/datastores/workspaceblobstore/files?prefix=_batchpoint/deployments/scorer/blue/v1/code/",
      scientist,
    );
    expect(root.json.files.map((f: { path: string }) => f.path)).toEqual(["_batchpoint/deployments/scorer/blue/v1/code/score.py"]);
    expect(root.text).not.toContain(platformFilesContainer(workspace.id));

    const first = await runJob(workspace.id, actor, "in/");
    expect(first.job.status).toBe("completed");
    expect((await readBlobText(first.target, outputPrefix(first.job.outputPath) + "predictions.csv")).trim().split("\n")).toEqual([
      "original",
      "original",
    ]);

    // A settings-only PATCH makes version 2 with the same content-addressed code.
    const patch = await call(
      "PATCH",
      "/api/v1/endpoints/scorer/deployments/blue",
      owner,
      JSON.stringify({ settings: { miniBatchSize: 1 } }),
      "application/json",
    );
    expect(patch.status).toBe(200);
    expect(patch.json.version).toBe(2);
    const row2 = await db.deployment.findFirstOrThrow({ where: { id: row.id } });
    expect(row2.codePath).toBe(row.codePath);

    const second = await runJob(workspace.id, actor, "in/");
    expect(second.job).toMatchObject({ status: "completed", miniBatchesTotal: 2 });
    expect((await readBlobText(second.target, outputPrefix(second.job.outputPath) + "predictions.csv")).trim().split("\n")).toEqual([
      "original",
      "original",
    ]);
  });
});

describe("migration of files written before the platform store", () => {
  it("copies a legacy deployment's code and model by content, rewrites unfinished jobs, and later writes to _batchpoint/ change nothing", async () => {
    const { workspace, actor, target } = await deploymentFixture({
      code: { files: { "score.py": ORIGINAL } },
      scoringScript: "score.py",
      interpreter: PYTHON,
    });
    const dep = await db.deployment.findFirstOrThrow({ where: { workspaceId: workspace.id } });
    // Recreate what main wrote: code and model in workspaceblobstore under _batchpoint/.
    const codePrefix = "_batchpoint/deployments/scorer/blue/v1/code/";
    const modelPrefix = "_batchpoint/models/legacy/1/";
    const script =
      "import glob, os\ndef init():\n    global names\n    names = sorted(os.path.relpath(p, os.environ['AZUREML_MODEL_DIR']) for p in glob.glob(os.path.join(os.environ['AZUREML_MODEL_DIR'], '*', '*.pt')))\ndef run(batch):\n    return ['legacy ' + '|'.join(names) for _ in batch]\n";
    await uploadBlob(target, `${codePrefix}score.py`, script);
    await uploadBlob(target, `${modelPrefix}weights.pt`, "w");
    await uploadBlob(target, `${modelPrefix}labels.pt`, "l");
    const model = await db.model.create({ data: { workspaceId: workspace.id, name: "legacy" } });
    const mv = await db.modelVersion.create({
      data: {
        workspaceId: workspace.id,
        modelId: model.id,
        version: "1",
        datastoreId: target.datastoreId,
        path: modelPrefix,
        fileCount: 2,
      },
    });
    await db.deployment.update({
      where: { id: dep.id },
      data: { codeDatastoreId: target.datastoreId, codePath: codePrefix, modelVersionId: mv.id },
    });
    // A job queued before the upgrade holds the old paths in its snapshot.
    const settings = {
      deployment: {
        id: dep.id,
        version: 1,
        codeDatastoreId: target.datastoreId,
        codePath: codePrefix,
        modelDatastoreId: target.datastoreId,
        modelPath: modelPrefix,
      },
    };
    const queued = await db.job.create({
      data: {
        workspaceId: workspace.id,
        name: `legacy-${Date.now()}`,
        endpointName: "scorer",
        deploymentName: "blue",
        deploymentVersion: 1,
        inputs: {},
        settings,
        outputPath: "datastores/workspaceblobstore/paths/x/",
        outputFileName: "p.csv",
      },
    });

    const result = await migratePlatformFiles();
    expect(result.deployments).toBeGreaterThanOrEqual(1);
    expect(result.models).toBeGreaterThanOrEqual(1);
    const migrated = await db.deployment.findFirstOrThrow({ where: { id: dep.id } });
    const migratedModel = await db.modelVersion.findFirstOrThrow({ where: { id: mv.id } });
    expect(isFileSetRef(migrated.codePath)).toBe(true);
    expect(isFileSetRef(migratedModel.path)).toBe(true);
    const snap = (await db.job.findFirstOrThrow({ where: { id: queued.id } })).settings as {
      deployment: { codePath: string; modelPath: string };
    };
    expect(snap.deployment).toMatchObject({ codePath: migrated.codePath, modelPath: migratedModel.path });
    await db.job.delete({ where: { id: queued.id } });
    // Azure's layout: a folder's files under model/.
    expect((await listModelVersionFiles({ workspaceId: workspace.id, name: "legacy", version: "1" })).map((f) => f.path).sort()).toEqual([
      "model/labels.pt",
      "model/weights.pt",
    ]);
    expect((await migratePlatformFiles()).deployments).toBe(0); // idempotent

    await uploadBlob(target, `${codePrefix}score.py`, EVIL);
    await uploadTexts(target, "in2/", 1);
    const { job } = await runJob(workspace.id, actor, "in2/");
    expect(job.status).toBe("completed");
    expect((await readBlobText(target, outputPrefix(job.outputPath) + "predictions.csv")).trim()).toBe(
      "legacy model/labels.pt|model/weights.pt",
    );
  });
});

describe("model layout as on Azure ML", () => {
  it("a model registered from a folder sits under the folder's name: an Azure-style script globs */*.pt", async () => {
    const azureStyle = [
      "import glob, os",
      "def init():",
      "    global model_path",
      "    model_path = glob.glob(os.environ['AZUREML_MODEL_DIR'] + '/*/*.pt')[0]",
      "def run(mini_batch):",
      "    weights = open(model_path).read().strip()",
      "    return [f\"{os.path.basename(p)},{os.path.relpath(model_path, os.environ['AZUREML_MODEL_DIR'])},{weights}\" for p in mini_batch]",
    ].join("\n");
    const { workspace, actor, target } = await deploymentFixture({
      code: { files: { "batch_driver.py": azureStyle } },
      scoringScript: "batch_driver.py",
      interpreter: PYTHON,
    });
    const owner = (await createApiToken({ workspaceId: workspace.id, actor, name: "own", role: "owner" })).token;
    // What `batchpoint model create --path deployment-torch/model` sends: root = the folder's name.
    const form = new FormData();
    form.set("name", "mnist-classifier-torch");
    form.set("root", "model");
    form.append("files", new Blob(["trained-weights"]), "model.pt");
    const created = await call("POST", "/api/v1/models", owner, form);
    expect(created.status).toBe(201);
    expect(
      (await listModelVersionFiles({ workspaceId: workspace.id, name: "mnist-classifier-torch", version: "1" })).map((f) => f.path),
    ).toEqual(["model/model.pt"]);
    const bad = new FormData();
    bad.set("name", "bad-model");
    bad.append("files", new Blob(["x"]), "a\\..\\..\\b.pt");
    const refused = await call("POST", "/api/v1/models", owner, bad);
    expect(refused.status).toBe(400);
    expect(refused.text).toMatch(/backslash/);

    const patch = await call(
      "PATCH",
      "/api/v1/endpoints/scorer/deployments/blue",
      owner,
      JSON.stringify({ model: "mnist-classifier-torch:1" }),
      "application/json",
    );
    expect(patch.status).toBe(200);
    await uploadTexts(target, "digits/", 2);
    const { job } = await runJob(workspace.id, actor, "digits/");
    expect(job.status).toBe("completed");
    expect((await readBlobText(target, outputPrefix(job.outputPath) + "predictions.csv")).trim().split("\n")).toEqual([
      "000.txt,model/model.pt,trained-weights",
      "001.txt,model/model.pt,trained-weights",
    ]);
  });
});
