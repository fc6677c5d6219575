import { readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ScoringPools } from "@/lib/scoring/pool";
import { deployment, tempDir, writeFiles } from "./helpers";

// Node scoring modules (ESM) in real node worker processes.
let pools: ScoringPools;
const tmp = tempDir("node");

beforeAll(() => {
  pools = new ScoringPools({ maxWorkersPerPool: 2 });
});

afterAll(async () => {
  await pools.shutdown();
  tmp.cleanup();
});

function nodeDeployment(files: Record<string, string>, over: Parameters<typeof deployment>[1] = {}) {
  const code = writeFiles(path.join(tmp.dir, `code-${Math.random().toString(36).slice(2)}`), files);
  return deployment(code, { runtime: "node", interpreter: null, scoringScript: "score.mjs", ...over });
}

describe("Node scoring module", () => {
  it("calls init() once per process and run() per mini-batch, one line per returned element", async () => {
    const dep = nodeDeployment(
      {
        "score.mjs": `
import { readFileSync } from "node:fs";
import { basename } from "node:path";
let model;
export async function init() {
  model = JSON.parse(readFileSync(process.env.AZUREML_MODEL_DIR + "/model.json", "utf8"));
  console.log("init done");
}
export async function run(miniBatch) {
  console.log("scoring", miniBatch.length, "files");
  return miniBatch.map((p) => {
    const size = readFileSync(p, "utf8").length;
    return size > model.threshold ? { file: basename(p), size } : basename(p) + ",small";
  });
}
`,
      },
      { modelDir: writeFiles(path.join(tmp.dir, "node-model"), { "model.json": '{"threshold": 3}' }) },
    );
    const inputs = writeFiles(path.join(tmp.dir, "node-inputs"), { "a.txt": "ab", "b.txt": "abcdef", "c.txt": "" });
    const files = ["a.txt", "b.txt", "c.txt"].map((f) => path.join(inputs, f));
    const r1 = await pools.run(dep, { input: { kind: "files", files } });
    const r2 = await pools.run(dep, { input: { kind: "files", files: files.slice(0, 1) } });
    if (!r1.ok) throw new Error(`${r1.error}\n${r1.traceback}\n${r1.logs}`);
    expect(r1.format).toBe("list");
    expect(r1.body).toBe('a.txt,small\n{"file":"b.txt","size":6}\nc.txt,small\n');
    expect(r1.count).toBe(3);
    expect(r1.logs).toContain("scoring 3 files");
    expect(r2.ok && r2.body).toBe("a.txt,small\n");
    expect(r2.ok && r2.logs).toContain("scoring 1 files");
    expect(r2.ok && r2.logs).not.toContain("scoring 3 files");
    expect([r1, r2].map((r) => r.logs.includes("init done"))).toEqual([true, false]); // one init() for both
    expect(r2.ok && r1.ok && r2.workerPid).toBe(r1.ok && r1.workerPid);
  });

  it("passes tabular input as an array of row objects", async () => {
    const dep = nodeDeployment({
      "score.mjs": `
export function init() {}
export function run(rows) {
  return rows.map((r) => r.id + "," + Number(r.price) * Number(r.qty));
}
`,
    });
    const data = writeFiles(path.join(tmp.dir, "node-tabular"), { "chunk.csv": 'id,price,qty\n1,2.5,4\n"2",1,3\n', "rows.csv": "7,2,2\n" });
    const r = await pools.run(dep, { input: { kind: "tabular", file: path.join(data, "chunk.csv") } });
    expect(r.ok && r.body).toBe("1,10\n2,3\n");
    expect(r.ok && r.inputCount).toBe(2);
    const mid = await pools.run(dep, {
      input: { kind: "tabular", file: path.join(data, "rows.csv"), header: "id,price,qty", rowCount: 1 },
    });
    expect(mid.ok && mid.body).toBe("7,4\n");
  });

  it("reports an exception in run() with its stack, and filters console output by logging level", async () => {
    const dep = nodeDeployment(
      {
        "score.mjs": `
export async function init() {}
function check(p) {
  if (p.endsWith("img_3.png")) throw new TypeError("bad pixel in img_3.png");
  return p;
}
export async function run(miniBatch) {
  console.debug("debug detail");
  console.info("info message");
  console.warn("warning message");
  console.error("error message");
  console.log("plain log");
  return miniBatch.map(check);
}
`,
      },
      { loggingLevel: "warning" },
    );
    const r = await pools.run(dep, { input: { kind: "files", files: ["/in/img_3.png"] } });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error).toBe("run() raised TypeError: bad pixel in img_3.png");
    expect(r.traceback).toMatch(/at check \(file:\/\/.*score\.mjs:4/);
    expect(r.logs).toContain("warning message");
    expect(r.logs).toContain("error message");
    expect(r.logs).toContain("plain log");
    expect(r.logs).not.toContain("info message");
    expect(r.logs).not.toContain("debug detail");
  });

  it("reports an init() failure and gives the script only the allowed environment", async () => {
    const broken = nodeDeployment({
      "score.mjs": 'export async function init() { throw new Error("no weights"); }\nexport async function run(b) { return b; }\n',
    });
    const r = await pools.run(broken, { input: { kind: "files", files: [] } });
    expect(!r.ok && r.phase === "init" && r.error).toBe("init() raised Error: no weights");

    process.env.INNGEST_SIGNING_KEY = "signkey-secret";
    try {
      const envDep = nodeDeployment(
        { "score.mjs": "export async function run(b) { return [JSON.stringify(Object.keys(process.env).sort())]; }\n" },
        { environmentVariables: { MY_SETTING: "1" } },
      );
      const e = await pools.run(envDep, { input: { kind: "files", files: ["/x"] }, payloadFile: "/jobs/1/payload.json" });
      if (!e.ok) throw new Error(e.error);
      expect(process.env.DATABASE_URL).toBeTruthy(); // the parent has it...
      expect(JSON.parse(e.body)).toEqual(["HOME", "JOBS_PAYLOAD_FILE", "LANG", "MY_SETTING", "PATH", "PYTHONUNBUFFERED"]); // ...the worker does not
    } finally {
      delete process.env.INNGEST_SIGNING_KEY;
    }
  });

  it("accepts a CommonJS module and keeps non-ASCII text intact", async () => {
    const dep = nodeDeployment(
      {
        "score.js":
          'let n = 0;\nmodule.exports = {\n  init() { n = 1; },\n  run(b) { console.log("café ☕"); return b.map((p) => p + " → " + n); },\n};\n',
      },
      { scoringScript: "score.js" },
    );
    const r = await pools.run(dep, { input: { kind: "files", files: ["naïve.txt"] } });
    if (!r.ok) throw new Error(`${r.error}\n${r.traceback}`);
    expect(r.body).toBe("naïve.txt → 1\n");
    expect(r.logs).toContain("café ☕");
  });

  it("rejects a return value that is not an array", async () => {
    const dep = nodeDeployment({ "score.mjs": "export function run(b) { return { done: true }; }\n" });
    const r = await pools.run(dep, { input: { kind: "files", files: ["/x"] } });
    expect(!r.ok && r.error).toBe("run() returned object; expected an array with one element per input");
  });
});
