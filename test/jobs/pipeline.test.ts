import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { outputPrefix } from "@/lib/jobs/finalize-job";
import { startJob } from "@/lib/jobs/job-commands";
import { readBlobText } from "@/lib/storage";
import { startFunctionsServer } from "../support/functions-server";
import { deploymentFixture, PYTHON, uploadPngs, uploadTexts, waitForJob } from "../support/jobs";

let server: Awaited<ReturnType<typeof startFunctionsServer>>;
beforeAll(async () => {
  server = await startFunctionsServer();
});
afterAll(async () => server?.close());

const PY_DATAFRAME = `
import os
import pandas as pd
from PIL import Image

def init():
    global model_dir
    model_dir = os.environ["AZUREML_MODEL_DIR"]
    print("init done")

def run(mini_batch):
    rows = []
    for path in mini_batch:
        img = Image.open(path)
        rows.append({"file": os.path.basename(path), "mean_pixel": sum(img.getdata()) / (img.width * img.height)})
    return pd.DataFrame(rows)
`;

describe("batch jobs end to end", () => {
  it("scores 100 real PNGs in 10 mini-batches with a Python script returning a DataFrame: header once, rows in input order", async () => {
    const { workspace, actor, target } = await deploymentFixture({
      code: { files: { "score.py": PY_DATAFRAME } }, scoringScript: "score.py", interpreter: PYTHON,
      settings: { miniBatchSize: 10, instanceCount: 2 },
    });
    const blobs = await uploadPngs(target, "mnist/images/", 100);
    const { job } = await startJob({ workspaceId: workspace.id, actor, endpointName: "scorer", input: { input: { type: "uri_folder", path: "azureml://datastores/workspaceblobstore/paths/mnist/images/" } } });
    const done = await waitForJob(job.id);
    expect(done).toMatchObject({ status: "completed", miniBatchesTotal: 10, miniBatchesCompleted: 10, filesTotal: 100, filesCompleted: 100, filesFailed: 0 });
    const csv = (await readBlobText(target, outputPrefix(job.outputPath) + "predictions.csv")).trim().split("\n");
    expect(csv[0]).toBe("file,mean_pixel");
    expect(csv).toHaveLength(101);
    expect(csv.slice(1).map((l) => l.split(",")[0])).toEqual(blobs.map((b) => b.split("/").pop()));
    expect(csv[4]).toBe("img_003.png,21.0");
    const mb = await db.miniBatch.findFirstOrThrow({ where: { jobId: job.id, index: 0 } });
    expect(mb).toMatchObject({ status: "completed", attempts: 1, succeededCount: 10 });
  });

  it("runs a Node scoring script returning a list, one line per element", async () => {
    const { workspace, actor, target } = await deploymentFixture({
      runtime: "node",
      code: { files: { "score.mjs": "import { readFile } from 'node:fs/promises';\nexport async function init() {}\nexport async function run(batch) { return Promise.all(batch.map(async (p) => `${p.split('/').pop()}:${Number(await readFile(p, 'utf8')) * 2}`)); }\n" } },
      scoringScript: "score.mjs",
      settings: { miniBatchSize: 4 },
    });
    await uploadTexts(target, "nums/", 10);
    const { job } = await startJob({ workspaceId: workspace.id, actor, endpointName: "scorer", input: { input: { type: "uri_folder", path: "datastores/workspaceblobstore/paths/nums/" } } });
    expect(await waitForJob(job.id)).toMatchObject({ status: "completed", miniBatchesTotal: 3, filesCompleted: 10 });
    const lines = (await readBlobText(target, outputPrefix(job.outputPath) + "predictions.csv")).trim().split("\n");
    expect(lines).toEqual(Array.from({ length: 10 }, (_, i) => `${String(i).padStart(3, "0")}.txt:${i * 2}`));
  });
});

describe("what a scoring script sees", () => {
  it("gets literal inputs through JOBS_PAYLOAD_FILE and never the platform's secrets", async () => {
    const code = `
import json, os
def init(): pass
def run(batch):
    payload = json.load(open(os.environ["JOBS_PAYLOAD_FILE"]))
    leaked = [k for k in ("DATABASE_URL", "AZURE_STORAGE_CONNECTION_STRING", "BATCHPOINT_SECRET_KEY", "NEXTAUTH_SECRET", "INNGEST_BASE_URL") if k in os.environ]
    return [f"{payload['inputs']['threshold']}|{payload['inputs']['label']}|{os.environ['TEAM']}|{','.join(leaked) or 'none'}" for _ in batch]
`;
    const { workspace, actor, target } = await deploymentFixture({
      code: { files: { "score.py": code } }, scoringScript: "score.py", interpreter: PYTHON, settings: { environmentVariables: { TEAM: "fraud" } },
    });
    await uploadTexts(target, "p/", 1);
    const { job } = await startJob({
      workspaceId: workspace.id, actor, endpointName: "scorer",
      input: { inputs: { data: { type: "uri_folder", path: "datastores/workspaceblobstore/paths/p/" }, threshold: { type: "number", value: 0.75 }, label: { type: "string", value: "nightly" } } },
    });
    expect(await waitForJob(job.id)).toMatchObject({ status: "completed" });
    expect((await readBlobText(target, outputPrefix(job.outputPath) + "predictions.csv")).trim()).toBe("0.75|nightly|fraud|none");
  });
});
