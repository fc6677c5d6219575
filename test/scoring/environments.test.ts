import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getEnvironmentBuildLog, planEnvironment } from "@/lib/scoring/environments/build";
import { ScoringPools } from "@/lib/scoring/pool";
import { deployment, PYTHON, tempDir, writeFiles, writeWheel } from "./helpers";

// Deployments with a requirements.txt or an Azure conda file get a venv built from a local wheel
// directory (offline: pip --no-index --find-links), inside the sandbox, shared by content hash.
const tmp = tempDir("envs");
const wheels = path.join(tmp.dir, "wheels");
const envRoot = path.join(tmp.dir, "environments");
let pools: ScoringPools;
const saved = {
  links: process.env.BATCHPOINT_PIP_FIND_LINKS,
  root: process.env.BATCHPOINT_ENVIRONMENTS_DIR,
  build: process.env.BATCHPOINT_BUILD_ENVIRONMENTS,
};

const SCORER = `
import bp_testlib, numpy
def run(mini_batch):
    return [f"{bp_testlib.VALUE} numpy={numpy.__version__ is not None}" for _ in mini_batch]
`;

beforeAll(() => {
  writeWheel(wheels, "bp_testlib", "1.0", "from-the-wheel");
  process.env.BATCHPOINT_PIP_FIND_LINKS = wheels;
  process.env.BATCHPOINT_ENVIRONMENTS_DIR = envRoot;
  delete process.env.BATCHPOINT_BUILD_ENVIRONMENTS;
  pools = new ScoringPools({ idleTimeoutMs: 0, initFailureCooldownMs: 0 });
});

afterAll(async () => {
  await pools.shutdown();
  for (const [k, v] of [
    ["BATCHPOINT_PIP_FIND_LINKS", saved.links],
    ["BATCHPOINT_ENVIRONMENTS_DIR", saved.root],
    ["BATCHPOINT_BUILD_ENVIRONMENTS", saved.build],
  ] as const) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  tmp.cleanup();
});

describe("environments per deployment", () => {
  it("builds a venv from a requirements.txt, keeps Debian's packages visible, and shares it by content hash", async () => {
    const codeA = writeFiles(path.join(tmp.dir, "req-a"), {
      "score.py": SCORER,
      "requirements.txt": "# the model's helpers\nbp_testlib==1.0\n",
    });
    const codeB = writeFiles(path.join(tmp.dir, "req-b"), { "score.py": SCORER, "requirements.txt": "bp_testlib==1.0\n" });
    const a = await pools.run(deployment(codeA, { environment: { requirementsFile: "requirements.txt" } }), {
      input: { kind: "files", files: ["x"] },
    });
    if (!a.ok) throw new Error(`${a.error}\n${a.logs}`);
    expect(a.body).toBe("from-the-wheel numpy=True\n");

    const planA = planEnvironment({ codeDir: codeA, files: { requirementsFile: "requirements.txt" }, baseInterpreter: PYTHON });
    const planB = planEnvironment({ codeDir: codeB, files: { requirementsFile: "requirements.txt" }, baseInterpreter: PYTHON });
    expect(planB.hash).toBe(planA.hash); // comments aside, the same spec: one venv
    const log = await getEnvironmentBuildLog({ hash: planA.hash });
    expect(log.status).toBe("ready");
    expect(log.log).toContain("Successfully installed bp_testlib-1.0");
    expect(log.log).toContain("--system-site-packages");

    const b = await pools.run(deployment(codeB, { environment: { requirementsFile: "requirements.txt" } }), {
      input: { kind: "files", files: ["y"] },
    });
    expect(b.ok && b.body).toBe("from-the-wheel numpy=True\n");
    expect(readFileSync(`${path.join(envRoot, planA.hash)}.log`, "utf8")).toBe(log.log); // not rebuilt
  });

  it("installs the pip section of an Azure conda file and notes the conda packages it does not install", async () => {
    const code = writeFiles(path.join(tmp.dir, "conda"), {
      "score.py": SCORER,
      "environment/conda.yaml":
        "name: mnist-env\nchannels:\n  - conda-forge\ndependencies:\n  - python=3.11\n  - numpy\n  - pip\n  - pip:\n    - bp_testlib==1.0\n",
    });
    const r = await pools.run(deployment(code, { environment: { condaFile: "environment/conda.yaml" } }), {
      input: { kind: "files", files: ["x"] },
    });
    if (!r.ok) throw new Error(`${r.error}\n${r.logs}`);
    expect(r.body).toBe("from-the-wheel numpy=True\n");
    expect(r.logs).toContain("[batchpoint] conda packages are not installed (no conda here): python=3.11, numpy.");
  });

  it("fails a deployment whose build fails, with pip's error in plain words and the build log", async () => {
    const code = writeFiles(path.join(tmp.dir, "bad"), { "score.py": SCORER, "requirements.txt": "bp_no_such_package==9.9\n" });
    const dep = deployment(code, { environment: { requirementsFile: "requirements.txt" } });
    const r = await pools.run(dep, { input: { kind: "files", files: ["x"] } });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.phase).toBe("init");
    expect(r.deterministic).toBe(true);
    expect(r.error).toBe(
      "Building the deployment's environment failed: pip says: Could not find a version that satisfies the requirement bp_no_such_package==9.9 (from versions: none) No matching distribution found for bp_no_such_package==9.9",
    );
    const plan = planEnvironment({ codeDir: code, files: { requirementsFile: "requirements.txt" }, baseInterpreter: PYTHON });
    const log = await getEnvironmentBuildLog({ hash: plan.hash });
    expect(log).toMatchObject({ status: "failed", error: r.error });
    expect(r.logs).toBe(log.log);
    expect(existsSync(path.join(envRoot, plan.hash))).toBe(false);
  });

  it("notes and ignores the environment file when the operator turned building off", async () => {
    process.env.BATCHPOINT_BUILD_ENVIRONMENTS = "0";
    const own = new ScoringPools({ idleTimeoutMs: 0 });
    try {
      const code = writeFiles(path.join(tmp.dir, "off"), {
        "score.py": "import numpy\ndef run(b):\n    return ['system python']\n",
        "requirements.txt": "bp_testlib==1.0\n",
      });
      const r = await own.run(deployment(code, { environment: { requirementsFile: "requirements.txt" } }), {
        input: { kind: "files", files: ["x"] },
      });
      if (!r.ok) throw new Error(r.error);
      expect(r.body).toBe("system python\n");
      expect(r.logs).toContain(
        "[batchpoint] requirements.txt noted and ignored: building environments is off on this server (BATCHPOINT_BUILD_ENVIRONMENTS=0).",
      );
    } finally {
      delete process.env.BATCHPOINT_BUILD_ENVIRONMENTS;
      await own.shutdown();
    }
  });
});
