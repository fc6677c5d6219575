import { describe, expect, it } from "vitest";
import { environmentVariablesOf, scoringDeploymentFrom } from "./deployment";

const row = {
  id: "dep1",
  version: 4,
  runtime: "python" as const,
  interpreter: null,
  scoringScript: "src/score.py",
  instanceCount: 2,
  maxConcurrencyPerInstance: 3,
  timeoutSeconds: 30,
  loggingLevel: "warning" as const,
  environmentVariables: { THRESHOLD: 0.5, DEBUG: true, NAME: "x", NESTED: { a: 1 } },
};

describe("scoringDeploymentFrom", () => {
  it("takes the row's settings, the materialized dirs and the job's overrides", () => {
    const d = scoringDeploymentFrom(row, { codeDir: "/c/code", modelDir: "/c/model" }, { instanceCount: 1, timeoutSeconds: 5 });
    expect(d).toEqual({
      id: "dep1",
      version: 4,
      runtime: "python",
      interpreter: null,
      codeDir: "/c/code",
      scoringScript: "src/score.py",
      modelDir: "/c/model",
      instanceCount: 1,
      maxConcurrencyPerInstance: 3,
      timeoutSeconds: 5,
      loggingLevel: "warning",
      environmentVariables: { THRESHOLD: "0.5", DEBUG: "true", NAME: "x" },
    });
    expect(scoringDeploymentFrom(row, { codeDir: "/c" }).instanceCount).toBe(2);
  });

  it("reads environment_variables JSON defensively", () => {
    expect(environmentVariablesOf(null)).toEqual({});
    expect(environmentVariablesOf(["A=1"])).toEqual({});
    expect(environmentVariablesOf({ A: 1 })).toEqual({ A: "1" });
  });
});
