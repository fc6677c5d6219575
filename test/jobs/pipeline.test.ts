import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { outputPrefix } from "@/lib/jobs/finalize-job";
import { startJob } from "@/lib/jobs/job-commands";
import { findMiniBatches } from "@/lib/jobs/find-jobs";
import { readBlobText, uploadBlob } from "@/lib/storage";
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
      code: { files: { "score.py": PY_DATAFRAME } },
      scoringScript: "score.py",
      interpreter: PYTHON,
      settings: { miniBatchSize: 10, instanceCount: 2 },
    });
    const blobs = await uploadPngs(target, "mnist/images/", 100);
    const { job } = await startJob({
      workspaceId: workspace.id,
      actor,
      endpointName: "scorer",
      input: { input: { type: "uri_folder", path: "azureml://datastores/workspaceblobstore/paths/mnist/images/" } },
    });
    const done = await waitForJob(job.id);
    expect(done).toMatchObject({
      status: "completed",
      miniBatchesTotal: 10,
      miniBatchesCompleted: 10,
      filesTotal: 100,
      filesCompleted: 100,
      filesFailed: 0,
    });
    const csv = (await readBlobText(target, outputPrefix(job.outputPath) + "predictions.csv")).trim().split("\n");
    expect(csv[0]).toBe("file,mean_pixel");
    expect(csv).toHaveLength(101);
    expect(csv.slice(1).map((l) => l.split(",")[0])).toEqual(blobs.map((b) => b.split("/").pop()));
    expect(csv[4]).toBe("img_003.png,21.0");
    const mb = await db.miniBatch.findFirstOrThrow({ where: { jobId: job.id, index: 0 } });
    expect(mb).toMatchObject({ status: "completed", attempts: 1, succeededCount: 10 });
    // Times are stored in UTC like every other timestamp: it finished just now, after it started.
    expect(Math.abs(mb.finishedAt!.getTime() - Date.now())).toBeLessThan(120_000);
    expect(mb.finishedAt!.getTime()).toBeGreaterThanOrEqual(mb.startedAt!.getTime());
  });

  it("runs a Node scoring script returning a list, one line per element", async () => {
    const { workspace, actor, target } = await deploymentFixture({
      runtime: "node",
      code: {
        files: {
          "score.mjs":
            "import { readFile } from 'node:fs/promises';\nexport async function init() {}\nexport async function run(batch) { return Promise.all(batch.map(async (p) => `${p.split('/').pop()}:${Number(await readFile(p, 'utf8')) * 2}`)); }\n",
        },
      },
      scoringScript: "score.mjs",
      settings: { miniBatchSize: 4 },
    });
    await uploadTexts(target, "nums/", 10);
    const { job } = await startJob({
      workspaceId: workspace.id,
      actor,
      endpointName: "scorer",
      input: { input: { type: "uri_folder", path: "datastores/workspaceblobstore/paths/nums/" } },
    });
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
      code: { files: { "score.py": code } },
      scoringScript: "score.py",
      interpreter: PYTHON,
      settings: { environmentVariables: { TEAM: "fraud" } },
    });
    await uploadTexts(target, "p/", 1);
    const { job } = await startJob({
      workspaceId: workspace.id,
      actor,
      endpointName: "scorer",
      input: {
        inputs: {
          data: { type: "uri_folder", path: "datastores/workspaceblobstore/paths/p/" },
          threshold: { type: "number", value: 0.75 },
          label: { type: "string", value: "nightly" },
        },
      },
    });
    expect(await waitForJob(job.id)).toMatchObject({ status: "completed" });
    expect((await readBlobText(target, outputPrefix(job.outputPath) + "predictions.csv")).trim()).toBe("0.75|nightly|fraud|none");
  });
});

describe("tabular input: one CSV split by rows", () => {
  // 25 rows; row 7 has a quoted field spanning two lines and a comma, which must stay one record.
  const rows = Array.from({ length: 25 }, (_, i) => (i === 6 ? `${i + 1},"two\nlines, one row",${i}` : `${i + 1},plain ${i + 1},${i}`));
  const CSV = `id,text,x\r\n${rows.join("\r\n")}\r\n`;

  it("gives run() each range of rows as a DataFrame with the header, and merges the output in row order", async () => {
    const { workspace, actor, target } = await deploymentFixture({
      code: {
        files: {
          "score.py":
            "import pandas as pd\ndef init(): pass\ndef run(df):\n    assert list(df.columns) == ['id', 'text', 'x'], list(df.columns)\n    return pd.DataFrame({'id': df['id'], 'double': df['x'] * 2, 'lines': df['text'].str.count('\\n') + 1})\n",
        },
      },
      scoringScript: "score.py",
      interpreter: PYTHON,
      settings: { miniBatchSize: 4 },
    });
    await uploadBlob(target, "tables/big.csv", CSV);
    const { job } = await startJob({
      workspaceId: workspace.id,
      actor,
      endpointName: "scorer",
      input: { input: { type: "tabular", path: "datastores/workspaceblobstore/paths/tables/big.csv" }, miniBatchSize: 10 },
    });
    expect(await waitForJob(job.id)).toMatchObject({
      status: "completed",
      miniBatchesTotal: 3,
      filesTotal: 25,
      filesCompleted: 25,
      filesFailed: 0,
    });
    const csv = (await readBlobText(target, outputPrefix(job.outputPath) + "predictions.csv")).trim().split("\n");
    expect(csv[0]).toBe("id,double,lines");
    expect(csv.slice(1)).toEqual(Array.from({ length: 25 }, (_, i) => `${i + 1},${i * 2},${i === 6 ? 2 : 1}`));
    const mbs = await findMiniBatches({ workspaceId: workspace.id, jobName: job.name });
    expect(mbs.data.map((m) => [m.itemCount, m.inputs[0]])).toEqual([
      [10, "datastores/workspaceblobstore/paths/tables/big.csv rows 1–10"],
      [10, "datastores/workspaceblobstore/paths/tables/big.csv rows 11–20"],
      [5, "datastores/workspaceblobstore/paths/tables/big.csv rows 21–25"],
    ]);
  });

  it("counts rows a Node run() left out as failed and names their rows in errors.jsonl", async () => {
    const { workspace, actor, target } = await deploymentFixture({
      runtime: "node",
      // Drops the row whose id is 13: mini-batch 1 (rows 11–20) returns one result short.
      code: {
        files: {
          "score.mjs":
            "export async function run(rows) { return rows.filter((r) => r.id !== '13').map((r) => `${r.id}:${r.text.length}`); }\n",
        },
      },
      scoringScript: "score.mjs",
    });
    await uploadBlob(target, "tables/big.csv", CSV);
    const { job } = await startJob({
      workspaceId: workspace.id,
      actor,
      endpointName: "scorer",
      input: { input: { type: "tabular", path: "datastores/workspaceblobstore/paths/tables/big.csv" }, miniBatchSize: 10 },
    });
    expect(await waitForJob(job.id)).toMatchObject({ status: "completed_with_errors", filesCompleted: 24, filesFailed: 1 });
    const lines = (await readBlobText(target, outputPrefix(job.outputPath) + "predictions.csv")).trim().split("\n");
    expect(lines).toHaveLength(24);
    expect(lines[6]).toBe("7:18");
    const errors = (await readBlobText(target, outputPrefix(job.outputPath) + "errors.jsonl"))
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(errors).toEqual([
      expect.objectContaining({
        mini_batch: 1,
        file: "datastores/workspaceblobstore/paths/tables/big.csv",
        rows: [11, 20],
        failed_rows: 1,
        error: "run() returned 9 results for 10 rows; 1 counted as failed.",
      }),
    ]);
  });

  it("fails planning clearly for a CSV with a header and no rows, and refuses huge mini-batches of files", async () => {
    const { workspace, actor, target } = await deploymentFixture({
      code: { files: { "score.py": "def run(b): return []\n" } },
      scoringScript: "score.py",
      interpreter: PYTHON,
    });
    await uploadBlob(target, "tables/empty.csv", "id,x\n");
    const { job } = await startJob({
      workspaceId: workspace.id,
      actor,
      endpointName: "scorer",
      input: { input: { type: "tabular", path: "datastores/workspaceblobstore/paths/tables/empty.csv" } },
    });
    expect(await waitForJob(job.id)).toMatchObject({
      status: "failed",
      error: "The CSV datastores/workspaceblobstore/paths/tables/empty.csv has a header but no rows to score.",
    });
    await expect(
      startJob({
        workspaceId: workspace.id,
        actor,
        endpointName: "scorer",
        input: { input: { type: "uri_folder", path: "datastores/workspaceblobstore/paths/tables/" }, miniBatchSize: 50_000 },
      }),
    ).rejects.toThrow(/at most 10,000 files; only tabular and jsonl input count rows/);
  });
});
