import { BlobServiceClient } from "@azure/storage-blob";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiToken } from "@/lib/api-tokens/api-tokens";
import { getDefaultStorageTarget } from "@/lib/datastores/datastores";
import { db } from "@/lib/db";
import { createDeployment } from "@/lib/deployments/create-deployment";
import { createEndpoint } from "@/lib/endpoints/create-endpoint";
import { createModelVersion } from "@/lib/models/create-model-version";
import { uploadBlob } from "@/lib/storage";
import { ALLOW_PRIVATE_ENV } from "@/lib/webhooks/egress";
import { createUserWithWorkspace } from "../support/factories";
import { serveApi } from "./helpers";

let api: Awaited<ReturnType<typeof serveApi>>;
let workspaceId = "";
const tokens: Record<"owner" | "contributor" | "scientist" | "reader" | "other", string> = {} as never;
const inputPath = "datastores/workspaceblobstore/paths/rest/in/";

beforeAll(async () => {
  api = await serveApi();
  const a = await createUserWithWorkspace("rest-contracts");
  const b = await createUserWithWorkspace("rest-contracts-b");
  workspaceId = a.workspace.id;
  const actor = { userId: a.user.id };
  await createEndpoint({ workspaceId, actor, input: { name: "scorer" } });
  await createDeployment({
    workspaceId,
    actor,
    endpointName: "scorer",
    input: { name: "blue", code: { files: { "score.py": "def init(): pass\ndef run(b): return b\n" } }, scoringScript: "score.py" },
  });
  const target = await getDefaultStorageTarget(workspaceId);
  await uploadBlob(target, "rest/in/a.txt", "a");
  await uploadBlob(target, "rest/one.csv", "x\n1\n");
  for (const role of ["owner", "contributor", "scientist", "reader"] as const)
    tokens[role] = (await createApiToken({ workspaceId, actor, name: role, role })).token;
  tokens.other = (await createApiToken({ workspaceId: b.workspace.id, actor: { userId: b.user.id }, name: "other", role: "owner" })).token;
});
afterAll(async () => api?.close());

describe("strict REST bodies", () => {
  it("refuses an unknown field with 400 naming it and the nearest known one, and changes nothing", async () => {
    const res = await api.call("POST", "/api/v1/endpoints", tokens.owner, { name: "typo-endpoint", descripton: "x" });
    expect(res.status).toBe(400);
    expect(res.json.error.message).toBe("Unknown field 'descripton'; did you mean 'description'?");
    expect(res.json.error.details.fieldErrors).toEqual({ descripton: ["Unknown field 'descripton'; did you mean 'description'?"] });
    expect(await db.endpoint.count({ where: { workspaceId, name: "typo-endpoint" } })).toBe(0);

    const dep = await api.call("POST", "/api/v1/endpoints/scorer/deployments", tokens.owner, {
      name: "green",
      code: { files: { "score.py": "def run(b): return b\n" } },
      scoringScript: "score.py",
      settings: { mini_batch_sise: 4 },
    });
    expect(dep.status).toBe(400);
    expect(dep.json.error.message).toBe("Unknown field 'settings.mini_batch_sise'; did you mean 'settings.miniBatchSize'?");
    const patch = await api.call("PATCH", "/api/v1/endpoints/scorer/deployments/blue", tokens.owner, {
      settings: { retrySettings: { timeOut: 5 } },
    });
    expect(patch.json.error.details.fieldErrors).toHaveProperty(["settings.retrySettings.timeOut"]);

    const invoke = await api.call("POST", "/api/v1/endpoints/scorer/jobs", tokens.scientist, {
      input: { type: "uri_folder", path: inputPath },
      mini_batch_size: 2,
      outputs: {},
    });
    expect(invoke.status).toBe(400);
    expect(Object.keys(invoke.json.error.details.fieldErrors).sort()).toEqual(["mini_batch_size", "outputs"]);
    expect(invoke.json.error.details.fieldErrors.mini_batch_size).toEqual([
      "Unknown field 'mini_batch_size'; did you mean 'miniBatchSize'?",
    ]);
    expect(await db.job.count({ where: { workspaceId } })).toBe(0);

    const hook = await api.call("POST", "/api/v1/webhooks", tokens.owner, {
      direction: "inbound",
      name: "typo-hook",
      endpointName: "scorer",
      template: { minibatchsize: 3 },
    });
    expect(hook.status).toBe(400);
    expect(hook.json.error.details.fieldErrors).toEqual({
      "template.minibatchsize": ["Unknown field 'template.minibatchsize'; did you mean 'template.miniBatchSize'?"],
    });
  });

  it("takes float literals and type-checks literal values, naming the input", async () => {
    const ok = await api.call("POST", "/api/v1/endpoints/scorer/jobs", tokens.scientist, {
      input: { type: "uri_folder", path: inputPath },
      inputs: { threshold: { type: "float", value: 0.25 }, n: { type: "integer", value: 3 } },
    });
    expect(ok.status).toBe(202);
    const job = await api.call("GET", `/api/v1/jobs/${ok.json.name}`, tokens.reader);
    expect(job.json.inputs.literals).toEqual({ threshold: 0.25, n: 3 });
    // Another workspace sees none of the job's outputs or logs.
    expect((await api.call("GET", `/api/v1/jobs/${ok.json.name}/outputs`, tokens.reader)).status).toBe(200);
    expect((await api.call("GET", `/api/v1/jobs/${ok.json.name}/outputs`, tokens.other)).status).toBe(404);
    expect((await api.call("GET", `/api/v1/jobs/${ok.json.name}/outputs/predictions.csv`, tokens.other)).status).toBe(404);
    expect((await api.call("GET", `/api/v1/jobs/${ok.json.name}/logs?format=json`, tokens.other)).status).toBe(404);
    const bad = await api.call("POST", "/api/v1/endpoints/scorer/jobs", tokens.scientist, {
      input: { type: "uri_folder", path: inputPath },
      inputs: { n: { type: "integer", value: "3" }, flag: { type: "boolean", value: 1 } },
    });
    expect(bad.status).toBe(400);
    expect(bad.json.error.details.fieldErrors).toEqual({
      "inputs.n.value": ['An integer input needs a whole number, not "3".'],
      "inputs.flag.value": ["A boolean input needs true or false, not 1."],
    });
  });

  it("reads Azure's resources.instanceCount, and refuses pipeline and MLflow no-code deployments with what to do instead", async () => {
    const res = await api.call("POST", "/api/v1/endpoints/scorer/deployments", tokens.contributor, {
      name: "azure-shaped",
      code: { files: { "score.py": "def run(b): return b\n" } },
      scoringScript: "score.py",
      resources: { instanceCount: 3 },
    });
    expect(res.status).toBe(201);
    expect(res.json.settings.instanceCount).toBe(3);

    const pipeline = await api.call("POST", "/api/v1/endpoints/scorer/deployments", tokens.contributor, {
      name: "pipe",
      type: "pipeline",
      component: "azureml:hello@latest",
    });
    expect(pipeline.status).toBe(400);
    expect(pipeline.json.error.message).toMatch(
      /^Pipeline deployments \(type: pipeline\) are not supported: .*scoring script.*docs\/from-azure-ml\.md/,
    );

    await createModelVersion({
      workspaceId,
      actor: { userId: null },
      input: { name: "heart-mlflow" },
      files: [
        { path: "model/MLmodel", data: Buffer.from("flavors:\n  sklearn: {}\n") },
        { path: "model/model.pkl", data: Buffer.from([0x80, 0x04, 0x95]) },
      ],
    });
    const mlflow = await api.call("POST", "/api/v1/endpoints/scorer/deployments", tokens.contributor, {
      name: "no-code",
      model: "heart-mlflow:1",
    });
    expect(mlflow.status).toBe(400);
    expect(mlflow.json.error.message).toMatch(
      /^MLflow no-code deployments are not supported: model 'heart-mlflow:1' has an MLmodel file.*Write a scoring script/,
    );
    expect(await db.deployment.count({ where: { workspaceId, name: { in: ["pipe", "no-code"] } } })).toBe(0);
  });
});

describe("data assets over REST", () => {
  it("creates versions (next integer when omitted, 409 on an existing one), lists, shows and deletes them", async () => {
    const first = await api.call("POST", "/api/v1/data", tokens.scientist, {
      name: "rest-images",
      type: "uri_folder",
      path: "azureml://datastores/workspaceblobstore/paths/rest/in",
      description: "inputs",
    });
    expect(first.status).toBe(201);
    expect(first.json).toMatchObject({
      name: "rest-images",
      version: "1",
      type: "uri_folder",
      path: "datastores/workspaceblobstore/paths/rest/in/",
      description: "inputs",
      createdBy: "token scientist",
    });
    const second = await api.call("POST", "/api/v1/data", tokens.contributor, { name: "rest-images", type: "uri_folder", path: inputPath });
    expect(second.json.version).toBe("2");
    const named = await api.call("POST", "/api/v1/data", tokens.contributor, {
      name: "rest-csv",
      version: "2026.11",
      type: "uri_file",
      path: "datastores/workspaceblobstore/paths/rest/one.csv",
    });
    expect(named.status).toBe(201);
    const again = await api.call("POST", "/api/v1/data", tokens.contributor, {
      name: "rest-csv",
      version: "2026.11",
      type: "uri_file",
      path: "datastores/workspaceblobstore/paths/rest/one.csv",
    });
    expect(again.status).toBe(409);
    expect(again.json.error.message).toMatch(/already has version '2026.11'/);

    const list = await api.call("GET", "/api/v1/data", tokens.reader);
    expect(list.json).toMatchObject({
      count: 2,
      data: [
        { name: "rest-csv", latestVersion: "2026.11", type: "uri_file" },
        { name: "rest-images", latestVersion: "2", type: "uri_folder", path: inputPath, versionCount: 2 },
      ],
    });
    const versions = await api.call("GET", "/api/v1/data/rest-images/versions", tokens.reader);
    expect(versions.json.data.map((v: { version: string }) => v.version)).toEqual(["2", "1"]);
    const one = await api.call("GET", "/api/v1/data/rest-images/versions/1", tokens.reader);
    expect(one.json).toMatchObject({
      name: "rest-images",
      version: "1",
      type: "uri_folder",
      path: inputPath,
      description: "inputs",
      createdAt: expect.any(String),
    });
    expect((await api.call("GET", "/api/v1/data/rest-images/versions/latest", tokens.reader)).json.version).toBe("2");
    expect((await api.call("GET", "/api/v1/data/rest-images/versions/9", tokens.reader)).status).toBe(404);

    expect((await api.call("DELETE", "/api/v1/data/rest-images/versions/1", tokens.scientist)).status).toBe(403);
    expect((await api.call("DELETE", "/api/v1/data/rest-images/versions/1", tokens.contributor)).status).toBe(204);
    expect((await api.call("GET", "/api/v1/data/rest-images/versions", tokens.reader)).json.count).toBe(1);
  });

  it("refuses bad bodies, readers and other workspaces", async () => {
    expect((await api.call("POST", "/api/v1/data", tokens.reader, { name: "x", type: "uri_folder", path: inputPath })).status).toBe(403);
    const typo = await api.call("POST", "/api/v1/data", tokens.scientist, {
      name: "x",
      type: "uri_folder",
      path: inputPath,
      descripton: "d",
    });
    expect(typo.json.error.message).toBe("Unknown field 'descripton'; did you mean 'description'?");
    const badType = await api.call("POST", "/api/v1/data", tokens.scientist, { name: "x", type: "mltable", path: inputPath });
    expect(badType.json.error.details.fieldErrors.type).toEqual(["Use uri_folder (every file under a folder) or uri_file (one file)."]);
    const noStore = await api.call("POST", "/api/v1/data", tokens.scientist, {
      name: "x",
      type: "uri_folder",
      path: "datastores/nosuchstore/paths/a/",
    });
    expect(noStore.status).toBe(404);
    expect(noStore.json.error.details.fieldErrors.path).toEqual(["This workspace has no datastore named 'nosuchstore'."]);
    const sas = await api.call("POST", "/api/v1/data", tokens.scientist, {
      name: "x",
      type: "uri_folder",
      path: "https://acct1.blob.core.windows.net/c/p/?sv=1&sig=2",
    });
    expect(sas.status).toBe(400);
    expect(await db.dataAsset.count({ where: { workspaceId, name: "x" } })).toBe(0);

    expect((await api.call("GET", "/api/v1/data", tokens.other)).json.count).toBe(0);
    expect((await api.call("GET", "/api/v1/data/rest-csv/versions/2026.11", tokens.other)).status).toBe(404);
    expect((await api.call("DELETE", "/api/v1/data/rest-csv/versions/2026.11", tokens.other)).status).toBe(404);
  });

  it("resolves azureml:<name>@latest and azureml:<name>:<version> job inputs to the asset's path and type", async () => {
    const latest = await api.call("POST", "/api/v1/endpoints/scorer/jobs", tokens.scientist, {
      inputs: { images: { type: "uri_folder", path: "azureml:rest-images@latest" } },
    });
    expect(latest.status).toBe(202);
    expect((await api.call("GET", `/api/v1/jobs/${latest.json.name}`, tokens.reader)).json.inputs.data).toEqual({
      name: "images",
      type: "uri_folder",
      path: inputPath,
    });
    const pinned = await api.call("POST", "/api/v1/endpoints/scorer/jobs", tokens.scientist, {
      input: { type: "uri_folder", path: "azureml:rest-csv:2026.11" },
    });
    expect(pinned.status).toBe(202);
    expect((await api.call("GET", `/api/v1/jobs/${pinned.json.name}`, tokens.reader)).json.inputs.data).toMatchObject({
      type: "uri_file",
      path: "datastores/workspaceblobstore/paths/rest/one.csv",
    });
    const missing = await api.call("POST", "/api/v1/endpoints/scorer/jobs", tokens.scientist, {
      input: { type: "uri_folder", path: "azureml:rest-images:7" },
    });
    expect(missing.status).toBe(404);
    expect(missing.json.error.details.fieldErrors["input.path"][0]).toMatch(
      /^Version '7' of data asset 'rest-images' was not found\. Register it/,
    );
    const otherTenant = await api.call("POST", "/api/v1/endpoints/scorer/jobs", tokens.other, {
      input: { type: "uri_folder", path: "azureml:rest-images@latest" },
    });
    expect(otherTenant.status).toBe(404);
  });
});

describe("public blob URLs without a SAS token", () => {
  const containerName = "public-rest";
  let base = "";
  beforeAll(async () => {
    const service = BlobServiceClient.fromConnectionString(process.env.AZURE_STORAGE_CONNECTION_STRING!);
    const pub = service.getContainerClient(containerName);
    await pub.createIfNotExists({ access: "container" });
    await pub.getBlockBlobClient("digits/0.txt").upload("0", 1);
    await service.getContainerClient("private-rest").createIfNotExists();
    base = `${service.url.replace(/\/$/, "")}`;
  });

  it("refuses a loopback host under the webhook egress policy, and reads it once the operator allows private addresses", async () => {
    delete process.env[ALLOW_PRIVATE_ENV];
    const refused = await api.call("POST", "/api/v1/endpoints/scorer/jobs", tokens.scientist, {
      input: { type: "uri_folder", path: `${base}/${containerName}/digits/` },
    });
    expect(refused.status).toBe(400);
    expect(refused.json.error.details.fieldErrors["input.path"][0]).toMatch(/127\.0\.0\.1 is a loopback .*public addresses only/);
    process.env[ALLOW_PRIVATE_ENV] = "1";
    try {
      const ok = await api.call("POST", "/api/v1/endpoints/scorer/jobs", tokens.scientist, {
        input: { type: "uri_folder", path: `${base}/${containerName}/digits/` },
      });
      expect(ok.status).toBe(202);
      const notPublic = await api.call("POST", "/api/v1/endpoints/scorer/jobs", tokens.scientist, {
        input: { type: "uri_folder", path: `${base}/private-rest/digits/` },
      });
      expect(notPublic.status).toBe(400);
      expect(notPublic.json.error.details.fieldErrors["input.path"][0]).toMatch(
        /the container is not public \(anonymous read access is off\) or does not exist/,
      );
      const noPath = await api.call("POST", "/api/v1/endpoints/scorer/jobs", tokens.scientist, {
        input: { type: "uri_folder", path: `${base}/${containerName}/nothing-here/` },
      });
      expect(noPath.json.error.details.fieldErrors["input.path"][0]).toMatch(/the path does not exist in the public container/);
    } finally {
      delete process.env[ALLOW_PRIVATE_ENV];
    }
  });
});
