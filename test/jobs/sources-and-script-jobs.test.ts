import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiToken } from "@/lib/api-tokens/api-tokens";
import { db } from "@/lib/db";
import { createJobDefinitionSchema } from "@/lib/job-definitions/job-definitions";
import { outputPrefix } from "@/lib/jobs/finalize-job";
import { ensureContainer, listBlobs, readBlobText, uploadBlob, type StorageTarget } from "@/lib/storage";
import { startFunctionsServer } from "../support/functions-server";
import { createUserWithWorkspace } from "../support/factories";
import { deploymentFixture, PYTHON, waitForJob } from "../support/jobs";
import { serveApi } from "../api/helpers";

let server: Awaited<ReturnType<typeof startFunctionsServer>>;
let api: Awaited<ReturnType<typeof serveApi>>;
beforeAll(async () => {
  server = await startFunctionsServer();
  api = await serveApi();
});
afterAll(async () => {
  await api?.close();
  await server?.close();
});

/** The tenant's own storage account on the test Azurite (not the platform's): what a Modzy user passes per job. */
function tenantAccount() {
  const cs = process.env.TEST_TENANT_STORAGE_CONNECTION_STRING!;
  const kv = Object.fromEntries(cs.split(";").map((p) => [p.slice(0, p.indexOf("=")), p.slice(p.indexOf("=") + 1)]));
  return { cs, storageAccount: kv.AccountName, storageAccountKey: kv.AccountKey, blobEndpoint: kv.BlobEndpoint };
}

// A Modzy-style model: each item has two named inputs; the item whose text says "boom" fails.
const SCORE_ITEMS = `
import json, os

def run(mini_batch):
    item = mini_batch[0]
    with open(os.environ["JOBS_PAYLOAD_FILE"]) as f:
        payload = json.load(f)
    print("environment:", sorted(os.environ))
    text = open(item["input.txt"]).read()
    if "boom" in text:
        raise ValueError("cannot score item " + payload["item"])
    threshold = json.load(open(item["config.json"]))["threshold"]
    explanation = {"item": payload["item"], "top_words": text.split()[:2]} if os.environ.get("BATCH_EXPLAIN") == "1" else None
    with open(os.path.join(os.environ["BATCH_OUTPUT_DIR"], "explanation.json"), "w") as f:
        json.dump(explanation, f)
    return [{"item": payload["item"], "words": len(text.split()), "threshold": threshold, "explain": payload["explain"]}]
`;

// A watsonx-style Python script job: no data input, only literal inputs and per-job variables.
const SCRIPT_JOB = `
import json, os

def run(mini_batch):
    assert mini_batch == [], mini_batch
    with open(os.environ["JOBS_PAYLOAD_FILE"]) as f:
        payload = json.load(f)
    t = payload["literalInputs"]["threshold"]
    out = os.environ["BATCH_OUTPUT_DIR"]
    os.makedirs(os.path.join(out, "reports"), exist_ok=True)
    with open(os.path.join(out, "reports", "summary.txt"), "w") as f:
        f.write(f"threshold={t['value']} ({t['type']}) region={os.environ['REGION']} vars={','.join(payload['environmentVariables'])}")
    print("calling the service with", os.environ["SERVICE_TOKEN"])
    return []
`;

const SECRET_TOKEN = "svc-token-4f9a1c7e2b";

async function tokenFor(workspaceId: string) {
  return (await createApiToken({ workspaceId, actor: { userId: null }, name: "ci", role: "owner" })).token;
}

async function jobsIn(workspaceId: string) {
  return db.job.count({ where: { workspaceId } });
}

/** Every text a reader of the job can get over the API, and every blob in its output folder. */
async function everythingShown(token: string, name: string, target: StorageTarget, outputPath: string) {
  const texts: string[] = [];
  for (const path of ["", "/items", "/mini-batches", "/logs", "/logs?format=json", "/outputs", "/errors", "/summary"]) {
    const res = await api.call("GET", `/api/v1/jobs/${name}${path}`, token);
    texts.push(res.text);
  }
  const listed = await api.call("GET", `/api/v1/jobs/${name}/outputs`, token);
  for (const f of listed.json.data) texts.push((await api.call("GET", new URL(f.url).pathname, token)).text);
  for await (const page of listBlobs(target, outputPrefix(outputPath)))
    for (const b of page) texts.push(await readBlobText(target, b.path));
  return texts.join("\n");
}

describe("Modzy-style jobs: named input items with the job's own storage credentials", () => {
  it("scores each item as one unit, shows per-item status, result and error, and never gives the credentials back", async () => {
    const { workspace, target } = await deploymentFixture({
      code: { files: { "score.py": SCORE_ITEMS } },
      scoringScript: "score.py",
      interpreter: PYTHON,
      settings: { retrySettings: { maxRetries: 0, timeout: 60 }, supportsExplanations: true },
    });
    const token = await tokenFor(workspace.id);
    const tenant = tenantAccount();
    const inbox: StorageTarget = { auth: "connection_string", containerName: "modzy-in", credential: tenant.cs };
    await ensureContainer(inbox);
    await uploadBlob(inbox, "good/input.txt", "a quiet sunny morning");
    await uploadBlob(inbox, "good/config.json", JSON.stringify({ threshold: 0.7 }));
    await uploadBlob(inbox, "bad/input.txt", "boom");
    await uploadBlob(inbox, "bad/config.json", JSON.stringify({ threshold: 0.1 }));

    const file = (filePath: string) => ({ container: "modzy-in", filePath });
    const invoked = await api.call("POST", "/api/v1/endpoints/scorer/jobs", token, {
      sources: {
        "item-good": { "input.txt": file("good/input.txt"), "config.json": file("good/config.json") },
        "item-bad": { "input.txt": file("bad/input.txt"), "config.json": file("bad/config.json") },
      },
      storage: { storageAccount: tenant.storageAccount, storageAccountKey: tenant.storageAccountKey, blobEndpoint: tenant.blobEndpoint },
      explain: true,
    });
    expect(invoked.status, invoked.text).toBe(202);
    const name = invoked.json.name;
    const row = await db.job.findFirstOrThrow({ where: { workspaceId: workspace.id, name } });
    const done = await waitForJob(row.id);
    expect(done.status).toBe("completed_with_errors");

    const items = await api.call("GET", `/api/v1/jobs/${name}/items`, token);
    expect(items.status).toBe(200);
    expect(items.json.counts).toEqual({ pending: 0, completed: 1, failed: 1, total: 2 });
    const good = items.json.data.find((i: { key: string }) => i.key === "item-good");
    const bad = items.json.data.find((i: { key: string }) => i.key === "item-bad");
    expect(good).toMatchObject({
      status: "completed",
      inputs: { "input.txt": { container: "modzy-in", filePath: "good/input.txt" } },
      result: { location: `${done.outputPath}items/item-good/` },
      error: null,
    });
    expect(good.result.files.map((f: { path: string }) => f.path).sort()).toEqual([
      "items/item-good/explanation.json",
      "items/item-good/predictions.csv",
    ]);
    expect(bad).toMatchObject({ status: "failed", result: null });
    expect(bad.error).toContain("ValueError: cannot score item item-bad");

    const job = await api.call("GET", `/api/v1/jobs/${name}`, token);
    expect(job.json).toMatchObject({ explain: true, items: { pending: 0, completed: 1, failed: 1, total: 2 } });
    expect(job.json.links.items).toMatch(new RegExp(`/api/v1/jobs/${name}/items$`));

    // run() got the item's files by model input name and the explain flag, in the payload and as BATCH_EXPLAIN.
    const result = await api.call("GET", `/api/v1/jobs/${name}/outputs/items/item-good/predictions.csv`, token);
    expect(JSON.parse(result.text.trim())).toEqual({ item: "item-good", words: 4, threshold: 0.7, explain: true });
    const explanation = await api.call("GET", `/api/v1/jobs/${name}/outputs/items/item-good/explanation.json`, token);
    expect(explanation.json).toEqual({ item: "item-good", top_words: ["a", "quiet"] });

    // The key reaches no response, no output file, no log, and not the scoring process's environment.
    const shown = await everythingShown(token, name, target, done.outputPath);
    expect(shown).toContain("environment:");
    expect(shown).not.toContain(tenant.storageAccountKey);
    expect(shown).not.toContain("AccountKey");
    expect(shown).not.toContain("AZURE_STORAGE");
    // Another workspace sees neither the job nor its items.
    const other = await tokenFor((await createUserWithWorkspace("other")).workspace.id);
    expect((await api.call("GET", `/api/v1/jobs/${name}/items`, other)).status).toBe(404);
    expect((await api.call("GET", `/api/v1/jobs/${name}`, other)).status).toBe(404);

    const sealed = await db.job.findUniqueOrThrow({ where: { id: row.id }, select: { secretsCiphertext: true, inputs: true } });
    expect(sealed.secretsCiphertext).toMatch(/^v1:/);
    expect(sealed.secretsCiphertext).not.toContain(tenant.storageAccountKey);
    expect(JSON.stringify(sealed.inputs)).not.toContain(tenant.storageAccountKey);
  });

  it("refuses explain on a deployment that does not support explanations, and sources without credentials, creating no job", async () => {
    const { workspace } = await deploymentFixture({ code: { files: { "score.py": SCORE_ITEMS } }, scoringScript: "score.py" });
    const token = await tokenFor(workspace.id);
    const tenant = tenantAccount();
    const body = {
      sources: { one: { "input.txt": { container: "modzy-in", filePath: "good/input.txt" } } },
      storage: { storageAccount: tenant.storageAccount, sasToken: "sv=2024&sig=abc", blobEndpoint: tenant.blobEndpoint },
    };
    const before = await jobsIn(workspace.id);
    const refused = await api.call("POST", "/api/v1/endpoints/scorer/jobs", token, { ...body, explain: true });
    expect(refused.status).toBe(400);
    expect(refused.json.error.message).toBe(
      "Deployment blue does not support explanations. Remove explain, or turn on supportsExplanations in the deployment's settings.",
    );
    expect(refused.json.error.details.fieldErrors).toHaveProperty("explain");

    const noCredentials = await api.call("POST", "/api/v1/endpoints/scorer/jobs", token, { sources: body.sources });
    expect(noCredentials.status).toBe(400);
    expect(noCredentials.json.error.details.fieldErrors).toHaveProperty("storage");
    const typo = await api.call("POST", "/api/v1/endpoints/scorer/jobs", token, {
      ...body,
      storage: { ...body.storage, storageAcountKey: "x" },
    });
    expect(typo.status).toBe(400);
    expect(typo.json.error.message).toContain("storage.storageAcountKey");
    expect(await jobsIn(workspace.id)).toBe(before);

    // Turned on for the deployment, the same request is accepted and recorded.
    const on = await api.call("PATCH", "/api/v1/endpoints/scorer/deployments/blue", token, { settings: { supportsExplanations: true } });
    expect(on.status, on.text).toBe(200);
    expect(on.json.settings.supportsExplanations).toBe(true);
    const accepted = await api.call("POST", "/api/v1/endpoints/scorer/jobs", token, { ...body, explain: true });
    expect(accepted.status, accepted.text).toBe(202);
    const job = await api.call("GET", `/api/v1/jobs/${accepted.json.name}`, token);
    expect(job.json.explain).toBe(true);
    expect(job.text).not.toContain("sig=abc");
  });
});

describe("watsonx-style jobs without a data input", () => {
  it("calls run() once with an empty mini-batch, hands it the full payload and the job's variables, and publishes BATCH_OUTPUT_DIR", async () => {
    const { workspace, target } = await deploymentFixture({
      code: { files: { "score.py": SCRIPT_JOB } },
      scoringScript: "score.py",
      interpreter: PYTHON,
      settings: { retrySettings: { maxRetries: 0, timeout: 60 } },
    });
    const token = await tokenFor(workspace.id);
    const invoked = await api.call("POST", "/api/v1/endpoints/scorer/jobs", token, {
      inputs: { threshold: { type: "number", value: 0.25 } },
      environmentVariables: { REGION: "eu-west", SERVICE_TOKEN: SECRET_TOKEN },
    });
    expect(invoked.status, invoked.text).toBe(202);
    const row = await db.job.findFirstOrThrow({ where: { workspaceId: workspace.id, name: invoked.json.name } });
    const done = await waitForJob(row.id);
    expect(done, done.error ?? "").toMatchObject({ status: "completed", miniBatchesTotal: 1, miniBatchesCompleted: 1 });

    const outputs = await api.call("GET", `/api/v1/jobs/${done.name}/outputs`, token);
    const report = outputs.json.data.find((f: { path: string }) => f.path === "reports/summary.txt");
    expect(report).toMatchObject({ kind: "script" });
    const text = await api.call("GET", new URL(report.url).pathname, token);
    expect(text.text).toBe("threshold=0.25 (number) region=eu-west vars=REGION,SERVICE_TOKEN");

    // The variables are secrets: names shown, values masked, the value printed by the script masked in its log.
    const job = await api.call("GET", `/api/v1/jobs/${done.name}`, token);
    expect(job.json.inputs.environmentVariables).toEqual({ REGION: "********", SERVICE_TOKEN: "********" });
    const logs = await api.call("GET", `/api/v1/jobs/${done.name}/logs`, token);
    expect(logs.text).toContain("calling the service with ********");
    const shown = await everythingShown(token, done.name, target, done.outputPath);
    expect(shown).not.toContain(SECRET_TOKEN);
  });

  it("refuses a per-job variable that would override the platform's, naming it, and a job with nothing to run", async () => {
    const { workspace } = await deploymentFixture({ code: { files: { "score.py": SCRIPT_JOB } }, scoringScript: "score.py" });
    const token = await tokenFor(workspace.id);
    const before = await jobsIn(workspace.id);
    for (const name of ["BATCH_OUTPUT_DIR", "JOBS_PAYLOAD_FILE", "PATH", "BATCHPOINT_SECRET_KEY"]) {
      const res = await api.call("POST", "/api/v1/endpoints/scorer/jobs", token, { environmentVariables: { [name]: "/tmp" } });
      expect(res.status).toBe(400);
      expect(res.json.error.details.fieldErrors[`environmentVariables.${name}`]).toEqual([
        `${name} is set by the platform and cannot be overridden by a job; choose another name.`,
      ]);
    }
    // A job definition is readable by the workspace: it may not hold a job's secrets.
    const definition = createJobDefinitionSchema.safeParse({
      name: "nightly",
      endpointName: "scorer",
      spec: { environmentVariables: { SERVICE_TOKEN: SECRET_TOKEN } },
    });
    expect(definition.success).toBe(false);
    expect(definition.error?.issues.map((i) => i.message)).toContain(
      "A job definition cannot hold per-job environment variables, which are secrets; set them in the deployment's environment_variables instead.",
    );
    const empty = await api.call("POST", "/api/v1/endpoints/scorer/jobs", token, {});
    expect(empty.status).toBe(400);
    expect(empty.json.error.details.fieldErrors).toHaveProperty("input");
    expect(await jobsIn(workspace.id)).toBe(before);
  });
});
