import { describe, expect, it } from "vitest";
import { UsageError } from "./errors";
import { deploymentBody, deploymentUpdateBody, mapSettings, modelRef, parseDeploymentYaml } from "./deployment-spec";

const AZURE_YAML = `
$schema: https://azuremlschemas.azureedge.net/latest/modelBatchDeployment.schema.json
name: mnist-torch-dpl
description: A deployment using Torch to solve the MNIST classification dataset.
endpoint_name: mnist-batch
type: model
model:
  name: mnist-classifier-torch
  path: model
code_configuration:
  code: code
  scoring_script: batch_driver.py
environment:
  name: batch-torch-py38
  image: mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu20.04:latest
  conda_file: environment/conda.yaml
compute: azureml:batch-cluster
resources:
  instance_count: 1
settings:
  max_concurrency_per_instance: 2
  mini_batch_size: 10
  output_action: append_row
  output_file_name: predictions.csv
  retry_settings:
    max_retries: 3
    timeout: 30
  error_threshold: -1
  logging_level: info
  environment_variables:
    TEAM: vision
    THRESHOLD: 0.5
`;

describe("parseDeploymentYaml", () => {
  it("reads Azure's documented MNIST deployment: settings to camelCase, inline model folder, Azure-only keys noted once", () => {
    const spec = parseDeploymentYaml(AZURE_YAML);
    expect(spec).toMatchObject({
      name: "mnist-torch-dpl",
      endpointName: "mnist-batch",
      model: { kind: "local", path: "model", name: "mnist-classifier-torch" },
      codePath: "code",
      scoringScript: "batch_driver.py",
      runtime: "python",
      settings: {
        maxConcurrencyPerInstance: 2,
        miniBatchSize: 10,
        outputAction: "append_row",
        outputFileName: "predictions.csv",
        retrySettings: { maxRetries: 3, timeout: 30 },
        errorThreshold: -1,
        loggingLevel: "info",
        environmentVariables: { TEAM: "vision", THRESHOLD: "0.5" },
      },
    });
    expect(spec.notes).toEqual(["ignoring Azure-only keys: environment, compute, resources (scoring runs on Batchpoint's own runtime; see runtime and interpreter)"]);
  });

  it("infers node from a .js/.mjs scoring script, keeps interpreter, and reads model references", () => {
    const spec = parseDeploymentYaml("name: blue\nmodel: azureml:fraud:3\ncode_configuration: { code: ./src, scoring_script: ./score.mjs }\ninterpreter: /usr/bin/node\n");
    expect(spec).toMatchObject({ runtime: "node", scoringScript: "score.mjs", interpreter: "/usr/bin/node", model: { kind: "ref", ref: "fraud:3" }, settings: {} });
    expect(parseDeploymentYaml("name: b\nmodel: fraud:2\ncode_configuration: { code: c, scoring_script: s.py }").model).toEqual({ kind: "ref", ref: "fraud:2" });
    expect(parseDeploymentYaml("name: b\nmodel: ./models/fraud_v2\ncode_configuration: { code: c, scoring_script: s.py }").model).toEqual({ kind: "local", path: "./models/fraud_v2", name: "fraud-v2" });
    expect(parseDeploymentYaml("name: b\nruntime: node\ncode_configuration: { code: c, scoring_script: s.js }").runtime).toBe("node");
  });

  it("turns mistakes into usage errors that name the key", () => {
    expect(() => parseDeploymentYaml("name: b\ncode_configuration: { code: c }")).toThrow("code_configuration needs code");
    expect(() => parseDeploymentYaml("code_configuration: { code: c, scoring_script: s.py }")).toThrow("needs a name");
    expect(() => parseDeploymentYaml("name: b\nruntime: ruby\ncode_configuration: { code: c, scoring_script: s.py }")).toThrow("runtime must be python or node");
    expect(() => parseDeploymentYaml("name: [unclosed")).toThrow(UsageError);
    expect(() => mapSettings({ mini_batch_size: "ten" })).toThrow("settings.mini_batch_size must be a whole number, not 'ten'.");
  });
});

describe("mapSettings", () => {
  it("accepts Azure's PascalCase enum spellings and notes unknown keys", () => {
    const notes: string[] = [];
    expect(mapSettings({ output_action: "SummaryOnly", logging_level: "WARNING", instance_count: "2", bogus: 1 }, notes)).toEqual({
      outputAction: "summary_only",
      loggingLevel: "warning",
      instanceCount: 2,
    });
    expect(notes).toEqual(["ignored settings.bogus: not a Batchpoint setting"]);
  });
});

describe("modelRef and the request bodies", () => {
  it("builds the PATCH body of an update from the same YAML: no name or runtime, a dropped model or interpreter is cleared", () => {
    const spec = parseDeploymentYaml("name: blue\ncode_configuration: { code: c, scoring_script: s.py }\nsettings: { instance_count: 3 }");
    expect(deploymentUpdateBody(spec, { "s.py": "y" })).toEqual({ model: null, interpreter: null, code: { files: { "s.py": "y" } }, scoringScript: "s.py", settings: { instanceCount: 3 } });
  });

  it("strips azureml: and @latest", () => {
    expect(modelRef("azureml:heart-classifier@latest")).toBe("heart-classifier");
    expect(modelRef("azureml:heart:4")).toBe("heart:4");
  });

  it("builds the camelCase body of POST /endpoints/{e}/deployments", () => {
    const spec = parseDeploymentYaml("name: blue\ndescription: d\ncode_configuration: { code: c, scoring_script: s.py }\nsettings: { mini_batch_size: 5 }");
    expect(deploymentBody(spec, { "s.py": "x" }, { model: "m:1", setDefault: true })).toEqual({
      name: "blue", description: "d", model: "m:1", runtime: "python", code: { files: { "s.py": "x" } }, scoringScript: "s.py", settings: { miniBatchSize: 5 }, setDefault: true,
    });
  });
});
