import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { buildWorkerEnv, invalidDeploymentVariables, resolveInterpreter, SAFE_PATH } from "./env";

const noJob = { BATCH_INPUT_DIR: null, BATCH_OUTPUT_DIR: null, JOBS_PAYLOAD_FILE: null };

describe("buildWorkerEnv", () => {
  it("never copies the server's environment, secrets included", () => {
    process.env.DATABASE_URL = "postgres://u:secret@db/prod";
    process.env.INNGEST_SIGNING_KEY = "signkey-secret";
    try {
      const env = buildWorkerEnv({ homeDir: "/tmp/h", job: noJob });
      expect(env).toEqual({ PATH: SAFE_PATH, HOME: "/tmp/h", LANG: "C.UTF-8", PYTHONUNBUFFERED: "1" });
    } finally {
      delete process.env.DATABASE_URL;
      delete process.env.INNGEST_SIGNING_KEY;
    }
  });

  it("adds the model dir under both names, the job's values and the deployment's variables", () => {
    const env = buildWorkerEnv({
      homeDir: "/tmp/h",
      modelDir: "/cache/d1-v2/model",
      job: { BATCH_INPUT_DIR: "/in", BATCH_OUTPUT_DIR: "/out", JOBS_PAYLOAD_FILE: "/p.json" },
      deploymentEnv: { THRESHOLD: "0.5", PATH: "/opt/venv/bin:/usr/bin" },
    });
    expect(env).toEqual({
      PATH: "/opt/venv/bin:/usr/bin",
      HOME: "/tmp/h",
      LANG: "C.UTF-8",
      PYTHONUNBUFFERED: "1",
      THRESHOLD: "0.5",
      AZUREML_MODEL_DIR: "/cache/d1-v2/model",
      BATCH_MODEL_DIR: "/cache/d1-v2/model",
      BATCH_INPUT_DIR: "/in",
      BATCH_OUTPUT_DIR: "/out",
      JOBS_PAYLOAD_FILE: "/p.json",
    });
  });

  it("does not let a deployment override the platform's variables or use invalid names", () => {
    const deploymentEnv = { AZUREML_MODEL_DIR: "/etc", BATCH_OUTPUT_DIR: "/", "BAD-NAME": "x", "1X": "y", OK_1: "z" };
    const env = buildWorkerEnv({ homeDir: "/h", modelDir: "/m", job: noJob, deploymentEnv });
    expect(env.AZUREML_MODEL_DIR).toBe("/m");
    expect(env.BATCH_OUTPUT_DIR).toBeUndefined();
    expect(env["BAD-NAME"]).toBeUndefined();
    expect(env.OK_1).toBe("z");
    expect(invalidDeploymentVariables(deploymentEnv)).toEqual(["AZUREML_MODEL_DIR", "BATCH_OUTPUT_DIR", "BAD-NAME", "1X"]);
  });
});

describe("resolveInterpreter", () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
    delete process.env.BATCHPOINT_PYTHON;
  });
  function fakeBin(names: string[]): string {
    const dir = mkdtempSync(path.join(tmpdir(), "bp-bin-"));
    dirs.push(dir);
    for (const n of names) {
      writeFileSync(path.join(dir, n), "#!/bin/sh\n");
      chmodSync(path.join(dir, n), 0o755);
    }
    return dir;
  }

  it("looks python3 up on the worker's PATH, not the server's", () => {
    const first = fakeBin([]);
    const second = fakeBin(["python3"]);
    expect(resolveInterpreter("python", null, `${first}:${second}`)).toBe(path.join(second, "python3"));
  });

  it("prefers the deployment's interpreter, then BATCHPOINT_PYTHON", () => {
    const bin = fakeBin(["python3", "python3.11", "mypython"]);
    process.env.BATCHPOINT_PYTHON = "mypython";
    expect(resolveInterpreter("python", null, bin)).toBe(path.join(bin, "mypython"));
    expect(resolveInterpreter("python", "python3.11", bin)).toBe(path.join(bin, "python3.11"));
    expect(resolveInterpreter("python", path.join(bin, "python3"), "/nowhere")).toBe(path.join(bin, "python3"));
  });

  it("explains what is wrong with an interpreter that cannot run", () => {
    expect(() => resolveInterpreter("python", "python3", "/nowhere")).toThrow(
      "The Python interpreter 'python3' was not found on the worker's PATH (/nowhere).",
    );
    expect(() => resolveInterpreter("python", "bin/python", "/x")).toThrow("must be an absolute path or a name on PATH");
    expect(() => resolveInterpreter("python", "/no/such/python", "/x")).toThrow("'/no/such/python' does not exist or is not executable");
  });

  it("runs Node scripts with the server's node by default", () => {
    expect(resolveInterpreter("node", null, "/x")).toBe(process.execPath);
  });
});
