import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { materializeDeployment } from "@/lib/scoring/materialize";
import { ScoringPools } from "@/lib/scoring/pool";
import { uploadBlob } from "@/lib/storage";
import { platformBlobPath, platformFilesTarget, putFileSet, sha256Hex } from "@/lib/storage/platform-files";
import { deployment, tempDir } from "./helpers";

// Code and model files come from real blob storage (Azurite, started by the global setup), stored
// by content in a workspace's platform container.
const tmp = tempDir("cache");
const pools = new ScoringPools({ idleTimeoutMs: 0 });

afterAll(async () => {
  await pools.shutdown();
  tmp.cleanup();
});

const workspace = () => `wscache${Date.now()}${Math.floor(Math.random() * 1e6)}`;

describe("materializeDeployment", () => {
  it("copies a version's code and model from the platform store once, then reuses the checked local copy", async () => {
    const workspaceId = workspace();
    const code = await putFileSet({
      workspaceId,
      files: [
        {
          path: "score.py",
          data:
            "from utils.labels import label\nimport json, os\n" +
            "def init():\n    global model\n    model = json.load(open(os.path.join(os.environ['AZUREML_MODEL_DIR'], 'model', 'model.json')))\n" +
            "def run(mini_batch):\n    return [label(model, p) for p in mini_batch]\n",
        },
        { path: "utils/labels.py", data: "def label(model, p):\n    return f\"{p},{model['name']}\"\n" },
      ],
    });
    const model = await putFileSet({ workspaceId, files: [{ path: "model/model.json", data: JSON.stringify({ name: "resnet-v1" }) }] });
    const cacheDir = path.join(tmp.dir, "cache");
    const opts = { cacheDir, workspaceId, deploymentId: "d1", version: 3, code: code.ref, model: model.ref };

    const [first, concurrent] = await Promise.all([materializeDeployment(opts), materializeDeployment(opts)]);
    const dir = path.join(cacheDir, workspaceId, "d1-v3");
    expect(first).toEqual({ dir, codeDir: path.join(dir, "code"), modelDir: path.join(dir, "model"), reused: false });
    expect(concurrent).toEqual(first);
    expect(readdirSync(path.join(cacheDir, workspaceId))).toEqual(["d1-v3"]); // no temp dir left behind
    expect(readdirSync(first.codeDir).sort()).toEqual(["score.py", "utils"]);
    expect(readFileSync(path.join(first.codeDir, "utils", "labels.py"), "utf8")).toContain("def label");
    expect(JSON.parse(readFileSync(path.join(first.modelDir, "model", "model.json"), "utf8"))).toEqual({ name: "resnet-v1" });

    const again = await materializeDeployment(opts);
    expect(again.reused).toBe(true);

    const r = await pools.run(deployment(first.codeDir, { modelDir: first.modelDir }), { input: { kind: "files", files: ["/in/a.png"] } });
    if (!r.ok) throw new Error(`${r.error}\n${r.traceback}`);
    expect(r.body).toBe("/in/a.png,resnet-v1\n");

    // A cached copy changed on disk is not used: it is replaced by a verified one.
    writeFileSync(path.join(first.codeDir, "score.py"), "def run(b):\n    return ['tampered']\n");
    writeFileSync(path.join(first.codeDir, "sitecustomize.py"), "raise SystemExit('planted')\n");
    const repaired = await materializeDeployment(opts);
    expect(repaired.reused).toBe(false);
    expect(readFileSync(path.join(repaired.codeDir, "score.py"), "utf8")).toContain("from utils.labels import label");
    expect(existsSync(path.join(repaired.codeDir, "sitecustomize.py"))).toBe(false);
  });

  it("runs a CommonJS score.js from the cache even when the server's package.json says type: module", async () => {
    const workspaceId = workspace();
    const code = await putFileSet({
      workspaceId,
      files: [
        {
          path: "score.js",
          data: "const { basename } = require('node:path');\nmodule.exports = { run: (b) => b.map((p) => basename(p)) };\n",
        },
      ],
    });
    const root = path.join(tmp.dir, "esm-project");
    mkdirSync(root, { recursive: true });
    writeFileSync(path.join(root, "package.json"), '{"type": "module"}');
    const m = await materializeDeployment({
      cacheDir: path.join(root, "cache"),
      workspaceId,
      deploymentId: "d4",
      version: 1,
      code: code.ref,
    });
    expect(readdirSync(m.modelDir)).toEqual([]);
    const dep = deployment(m.codeDir, { runtime: "node", interpreter: null, scoringScript: "score.js" });
    const r = await pools.run(dep, { input: { kind: "files", files: ["/in/x.csv"] } });
    if (!r.ok) throw new Error(`${r.error}\n${r.traceback}`);
    expect(r.body).toBe("x.csv\n");
  });

  it("fails clearly when a stored file does not match its hash, leaving nothing in the cache", async () => {
    const workspaceId = workspace();
    const source = "def run(b):\n    return b\n";
    const code = await putFileSet({ workspaceId, files: [{ path: "score.py", data: source }] });
    // Someone with access to the platform's storage changes the stored bytes.
    await uploadBlob(platformFilesTarget(workspaceId), platformBlobPath(sha256Hex(source)), "import os\nos.system('id')\n");
    const cacheDir = path.join(tmp.dir, "cache-tampered");
    await expect(materializeDeployment({ cacheDir, workspaceId, deploymentId: "d2", version: 1, code: code.ref })).rejects.toMatchObject({
      name: "PlatformFileIntegrityError",
      message: expect.stringMatching(/^Scoring code file 'score\.py' does not match its recorded sha256/),
    });
    expect(readdirSync(path.join(cacheDir, workspaceId))).toEqual([]);
  });

  it("refuses a reference that is not a content hash", async () => {
    await expect(
      materializeDeployment({ workspaceId: "w1", deploymentId: "d5", version: 1, code: "_batchpoint/deployments/e/d/v1/code/" }),
    ).rejects.toThrow("Invalid code reference");
  });
});
