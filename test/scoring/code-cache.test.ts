import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { materializeDeployment } from "@/lib/scoring/materialize";
import { ScoringPools } from "@/lib/scoring/pool";
import { deleteBlob, ensureContainer, uploadBlob, type StorageTarget } from "@/lib/storage";
import { deployment, tempDir } from "./helpers";

// Code and model files come from real blob storage (Azurite, started by the global setup).
const tmp = tempDir("cache");
const pools = new ScoringPools({ idleTimeoutMs: 0 });

afterAll(async () => {
  await pools.shutdown();
  tmp.cleanup();
});

function target(): StorageTarget {
  return { auth: "connection_string", containerName: `scoring${Date.now()}`, credential: process.env.AZURE_STORAGE_CONNECTION_STRING! };
}

describe("materializeDeployment", () => {
  it("copies a version's code and model from blob storage once, then reuses the local copy", async () => {
    const t = target();
    await ensureContainer(t);
    await uploadBlob(t, "deployments/d1/code/score.py", "from utils.labels import label\nimport json, os\n" +
      "def init():\n    global model\n    model = json.load(open(os.path.join(os.environ['AZUREML_MODEL_DIR'], 'model.json')))\n" +
      "def run(mini_batch):\n    return [label(model, p) for p in mini_batch]\n");
    await uploadBlob(t, "deployments/d1/code/utils/labels.py", "def label(model, p):\n    return f\"{p},{model['name']}\"\n");
    await uploadBlob(t, "deployments/d1/code2/not-mine.py", "raise SystemExit('wrong prefix')\n");
    await uploadBlob(t, "models/m1/1/model.json", JSON.stringify({ name: "resnet-v1" }));
    const cacheDir = path.join(tmp.dir, "cache");
    const opts = { cacheDir, deploymentId: "d1", version: 3, code: { target: t, prefix: "deployments/d1/code/" }, model: { target: t, prefix: "models/m1/1" } };

    const [first, concurrent] = await Promise.all([materializeDeployment(opts), materializeDeployment(opts)]);
    expect(first).toEqual({ dir: path.join(cacheDir, "d1-v3"), codeDir: path.join(cacheDir, "d1-v3", "code"), modelDir: path.join(cacheDir, "d1-v3", "model"), reused: false });
    expect(concurrent).toEqual(first);
    expect(readdirSync(cacheDir).sort()).toEqual(["d1-v3", "package.json"]); // no temp dir left behind
    expect(readdirSync(first.codeDir).sort()).toEqual(["score.py", "utils"]);
    expect(readFileSync(path.join(first.codeDir, "utils", "labels.py"), "utf8")).toContain("def label");
    expect(JSON.parse(readFileSync(path.join(first.modelDir, "model.json"), "utf8"))).toEqual({ name: "resnet-v1" });

    // The version's files never change: a later call uses the cache even if the blobs are gone.
    await deleteBlob(t, "deployments/d1/code/score.py");
    const again = await materializeDeployment(opts);
    expect(again.reused).toBe(true);
    expect(existsSync(path.join(again.codeDir, "score.py"))).toBe(true);

    const r = await pools.run(deployment(first.codeDir, { modelDir: first.modelDir }), { input: { kind: "files", files: ["/in/a.png"] } });
    if (!r.ok) throw new Error(`${r.error}\n${r.traceback}`);
    expect(r.body).toBe("/in/a.png,resnet-v1\n");
  });

  it("runs a CommonJS score.js from the cache even when the server's package.json says type: module", async () => {
    const t = target();
    await ensureContainer(t);
    await uploadBlob(t, "node/code/score.js", "const { basename } = require('node:path');\nmodule.exports = { run: (b) => b.map((p) => basename(p)) };\n");
    const root = path.join(tmp.dir, "esm-project");
    mkdirSync(root, { recursive: true });
    writeFileSync(path.join(root, "package.json"), '{"type": "module"}');
    const m = await materializeDeployment({ cacheDir: path.join(root, "cache"), deploymentId: "d4", version: 1, code: { target: t, prefix: "node/code" } });
    const dep = deployment(m.codeDir, { runtime: "node", interpreter: null, scoringScript: "score.js" });
    const r = await pools.run(dep, { input: { kind: "files", files: ["/in/x.csv"] } });
    if (!r.ok) throw new Error(`${r.error}\n${r.traceback}`);
    expect(r.body).toBe("x.csv\n");
  });

  it("fails clearly when there is no code at the prefix, leaving nothing in the cache", async () => {
    const t = target();
    await ensureContainer(t);
    const cacheDir = path.join(tmp.dir, "cache-empty");
    await expect(
      materializeDeployment({ cacheDir, deploymentId: "d2", version: 1, code: { target: t, prefix: "deployments/d2/code" } }),
    ).rejects.toMatchObject({ code: "NOT_FOUND", message: `No scoring code found at 'deployments/d2/code' in container '${t.containerName}'.` });
    expect(readdirSync(cacheDir)).toEqual(["package.json"]);
  });

  it("accepts a single-file code path and a deployment without a model", async () => {
    const t = target();
    await ensureContainer(t);
    await uploadBlob(t, "scripts/score.py", "def run(b):\n    return b\n");
    const m = await materializeDeployment({ cacheDir: path.join(tmp.dir, "cache-file"), deploymentId: "d3", version: 1, code: { target: t, prefix: "scripts/score.py" } });
    expect(readdirSync(m.codeDir)).toEqual(["score.py"]);
    expect(readdirSync(m.modelDir)).toEqual([]);
  });
});
