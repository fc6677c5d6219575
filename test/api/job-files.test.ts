import { createHash, randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiToken } from "@/lib/api-tokens/api-tokens";
import { db } from "@/lib/db";
import { findMiniBatches } from "@/lib/jobs/find-jobs";
import { startFunctionsServer } from "../support/functions-server";
import { deploymentFixture, PYTHON, uploadTexts, waitForJob } from "../support/jobs";
import { serveApi } from "./helpers";

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

// A pickle-like blob: protocol header and bytes that are not UTF-8, so a text round trip would corrupt it.
const MODEL = Buffer.concat([Buffer.from([0x80, 0x04, 0x95, 0xff, 0xfe, 0x00, 0xc3, 0x28]), randomBytes(2048)]);
const MODEL_SHA = createHash("sha256").update(MODEL).digest("hex");

// In the style of Azure's custom-outputs example: one file per input into AZUREML_BI_OUTPUT_PATH.
const SCORE = `
import hashlib, os
import pandas as pd

def init():
    global model_sha
    with open(os.path.join(os.getcwd(), "model.pkl"), "rb") as f:
        model_sha = hashlib.sha256(f.read()).hexdigest()
    print("init: model.pkl sha256", model_sha)

def run(mini_batch):
    out = os.environ["AZUREML_BI_OUTPUT_PATH"]
    assert out == os.environ["BATCH_OUTPUT_DIR"]
    rows = []
    for path in mini_batch:
        name = os.path.splitext(os.path.basename(path))[0]
        with open(path) as src, open(os.path.join(out, name + ".scored.txt"), "w") as dst:
            dst.write("scored " + src.read())
        if os.environ.get("SHARED_NAME"):
            with open(os.path.join(out, "shared.txt"), "w") as dst:
                dst.write(name)
        rows.append({"file": os.path.basename(path), "model_sha": model_sha})
    print("scored", len(rows), "files")
    return pd.DataFrame(rows)
`;

async function tokenFor(workspaceId: string) {
  return (await createApiToken({ workspaceId, actor: { userId: null }, name: "ci", role: "owner" })).token;
}

describe("files a job reads and writes", () => {
  it("keeps a binary code file byte for byte and publishes the script's own output files (append_row), via a data asset input", async () => {
    const { workspace, target } = await deploymentFixture({
      code: {
        files: [
          { path: "score.py", content: SCORE },
          { path: "model.pkl", content: MODEL.toString("base64"), encoding: "base64" },
        ],
      },
      scoringScript: "score.py",
      interpreter: PYTHON,
      settings: { miniBatchSize: 2 },
    });
    const token = await tokenFor(workspace.id);
    await uploadTexts(target, "custom/in/", 5);
    const asset = await api.call("POST", "/api/v1/data", token, {
      name: "custom-in",
      type: "uri_folder",
      path: "datastores/workspaceblobstore/paths/custom/in/",
    });
    expect(asset.status).toBe(201);
    const invoke = await api.call("POST", "/api/v1/endpoints/scorer/jobs", token, {
      input: { type: "uri_folder", path: "azureml:custom-in@latest" },
    });
    expect(invoke.status).toBe(202);
    const job = await db.job.findFirstOrThrow({ where: { workspaceId: workspace.id, name: invoke.json.name } });
    expect(await waitForJob(job.id)).toMatchObject({ status: "completed", filesCompleted: 5 });

    const outputs = await api.call("GET", `/api/v1/jobs/${job.name}/outputs`, token);
    expect(outputs.status).toBe(200);
    expect(outputs.json.data.map((f: { path: string; kind: string }) => `${f.kind}:${f.path}`)).toEqual([
      "predictions:predictions.csv",
      "errors:errors.jsonl",
      "summary:job-summary.json",
      "script:000.scored.txt",
      "script:001.scored.txt",
      "script:002.scored.txt",
      "script:003.scored.txt",
      "script:004.scored.txt",
    ]);
    expect(outputs.json.data[3]).toMatchObject({ miniBatch: 0, size: "scored 1".length });
    const one = await api.call("GET", `/api/v1/jobs/${job.name}/outputs/003.scored.txt`, token);
    expect(one.text).toBe("scored 3");
    const predictions = await api.call("GET", `/api/v1/jobs/${job.name}/outputs/predictions.csv`, token);
    expect(
      predictions.text
        .trim()
        .split("\n")
        .slice(1)
        .map((l) => l.split(",")[1]),
    ).toEqual(Array(5).fill(MODEL_SHA));
    expect((await api.call("GET", `/api/v1/jobs/${job.name}/outputs/..%2Fsecret`, token)).status).toBe(404);

    const logs = await api.call("GET", `/api/v1/jobs/${job.name}/logs?format=json`, token);
    expect(logs.json).toMatchObject({ job: job.name, status: "completed" });
    expect(logs.json.miniBatches[0].lines).toContain("scored 2 files");
  }, 240_000);

  it("fails a mini-batch that writes a name another mini-batch wrote, naming both, and leaves one copy (summary_only)", async () => {
    const { workspace, actor, target } = await deploymentFixture({
      code: { files: { "score.py": SCORE, "model.pkl": { content: MODEL.toString("base64"), encoding: "base64" } } },
      scoringScript: "score.py",
      interpreter: PYTHON,
      settings: {
        miniBatchSize: 1,
        outputAction: "summary_only",
        retrySettings: { maxRetries: 1, timeout: 30 },
        environmentVariables: { SHARED_NAME: "1" },
      },
    });
    const token = await tokenFor(workspace.id);
    await uploadTexts(target, "clash/in/", 2);
    const invoke = await api.call("POST", "/api/v1/endpoints/scorer/jobs", token, {
      input: { type: "uri_folder", path: "datastores/workspaceblobstore/paths/clash/in/" },
    });
    const job = await db.job.findFirstOrThrow({ where: { workspaceId: workspace.id, name: invoke.json.name } });
    await waitForJob(job.id);
    const failed = await findMiniBatches({ workspaceId: workspace.id, jobName: job.name, status: "failed" });
    expect(failed.count).toBe(1);
    const loser = failed.data[0] as unknown as { index: number; error: string };
    const winner = 1 - loser.index;
    expect(loser.error).toBe(
      `Mini-batch ${loser.index} wrote the output file 'shared.txt', which mini-batch ${winner} already wrote. Give each mini-batch's files names of their own (for example from the input file's name).`,
    );
    const outputs = await api.call("GET", `/api/v1/jobs/${job.name}/outputs`, token);
    const scripts = outputs.json.data.filter((f: { kind: string }) => f.kind === "script");
    expect(scripts).toEqual([
      expect.objectContaining({ path: `00${winner}.scored.txt`, miniBatch: winner }),
      expect.objectContaining({ path: "shared.txt", miniBatch: winner }),
    ]);
    expect((await api.call("GET", `/api/v1/jobs/${job.name}/outputs/shared.txt`, token)).text).toBe(`00${winner}`);
    void actor;
  }, 240_000);

  it("shows whole log lines and the traceback of a failed mini-batch, as text and as JSON", async () => {
    const { workspace, target } = await deploymentFixture({
      code: {
        files: {
          "score.py":
            "def init():\n    print('init ok')\n\ndef run(mini_batch):\n    print('line one of ' + str(len(mini_batch)))\n    print('line two')\n    raise ValueError('bad pixel in ' + mini_batch[0].split('/')[-1])\n",
        },
      },
      scoringScript: "score.py",
      interpreter: PYTHON,
      settings: { miniBatchSize: 5, retrySettings: { maxRetries: 0, timeout: 30 } },
    });
    const token = await tokenFor(workspace.id);
    await uploadTexts(target, "fail/in/", 2);
    const invoke = await api.call("POST", "/api/v1/endpoints/scorer/jobs", token, {
      input: { type: "uri_folder", path: "datastores/workspaceblobstore/paths/fail/in/" },
    });
    const job = await db.job.findFirstOrThrow({ where: { workspaceId: workspace.id, name: invoke.json.name } });
    await waitForJob(job.id);
    const text = await api.call("GET", `/api/v1/jobs/${job.name}/logs`, token, undefined, { accept: "text/plain, application/json;q=0.9" });
    expect(text.headers.get("content-type")).toMatch(/^text\/plain/);
    expect(text.text).toMatch(/^=== mini-batch 0 \(failed, attempt 1\): .*ValueError: bad pixel in 000\.txt\n/);
    expect(text.text).toContain("line one of 2\nline two\n");
    expect(text.text).toMatch(
      /--- traceback of mini-batch 0\n(.|\n)*raise ValueError\('bad pixel in ' \+ mini_batch\[0\]\.split\('\/'\)\[-1\]\)/,
    );
    const json = await api.call("GET", `/api/v1/jobs/${job.name}/logs`, token, undefined, { accept: "application/json" });
    expect(json.json.miniBatches).toEqual([
      expect.objectContaining({
        index: 0,
        status: "failed",
        attempts: 1,
        error: expect.stringContaining("ValueError: bad pixel in 000.txt"),
        traceback: expect.stringContaining("Traceback"),
        lines: expect.arrayContaining(["line one of 2", "line two"]),
        truncated: false,
      }),
    ]);
  }, 240_000);
});
