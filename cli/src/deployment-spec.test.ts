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
    expect(spec.settings.instanceCount).toBe(1);
    expect(spec.environment).toEqual({ condaFile: "environment/conda.yaml" });
    expect(spec.notes).toEqual([
      "not acted on by Batchpoint: environment.name, environment.image, compute (scoring runs with the server's python and its packages, plus what conda_file's pip section installs; Batchpoint needs no compute cluster); see docs/from-azure-ml.md",
    ]);
  });

  it("reads resources.instance_count and refuses a disagreeing settings.instance_count", () => {
    const base = "name: b\ncode_configuration: { code: c, scoring_script: s.py }\n";
    expect(parseDeploymentYaml(`${base}resources: { instance_count: 3 }`).settings).toEqual({ instanceCount: 3 });
    expect(() => parseDeploymentYaml(`${base}resources: { instance_count: 3 }\nsettings: { instance_count: 2 }`)).toThrow(
      "resources.instance_count (3) and instance_count (2) disagree",
    );
    expect(parseDeploymentYaml(`${base}resources: { instance_count: 2, properties: { x: 1 } }`).notes[0]).toContain("resources.properties");
  });

  it("reads the older batchDeployment.schema.json layout: settings at the top level", () => {
    const spec = parseDeploymentYaml(`$schema: https://azuremlschemas.azureedge.net/latest/batchDeployment.schema.json
name: old
endpoint_name: e
code_configuration: { code: c, scoring_script: s.py }
mini_batch_size: 5
output_action: summary_only
retry_settings: { max_retries: 1, timeout: 60 }
error_threshold: 10
logging_level: warning
environment_variables: { A: b }
resources: { instance_count: 2 }
max_concurrency_per_instance: 4
`);
    expect(spec.settings).toEqual({
      miniBatchSize: 5,
      outputAction: "summary_only",
      retrySettings: { maxRetries: 1, timeout: 60 },
      errorThreshold: 10,
      loggingLevel: "warning",
      environmentVariables: { A: "b" },
      instanceCount: 2,
      maxConcurrencyPerInstance: 4,
    });
    expect(spec.notes).toEqual([]);
    expect(() =>
      parseDeploymentYaml(
        "name: b\ncode_configuration: { code: c, scoring_script: s.py }\nmini_batch_size: 5\nsettings: { mini_batch_size: 6 }",
      ),
    ).toThrow("mini_batch_size is given twice");
  });

  it("names every key it does not act on in one note, nested ones with their path", () => {
    const spec = parseDeploymentYaml(`name: b
code_configuration: { code: c, scoring_script: s.py, extra: 1 }
model: { name: m, path: ./model, type: custom_model }
tags: { team: x }
properties: { a: 1 }
settings: { mini_batch_size: 2, bogus: 1, retry_settings: { max_retries: 1, backoff: 2 } }
`);
    expect(spec.notes).toHaveLength(1);
    expect(spec.notes[0]).toBe(
      "not acted on by Batchpoint: tags, properties, code_configuration.extra, model.type, settings.bogus, settings.retry_settings.backoff; see docs/from-azure-ml.md",
    );
  });

  it("says pipeline and MLflow no-code deployments are not supported, and what to do instead", () => {
    expect(() => parseDeploymentYaml("name: p\ntype: pipeline\ncomponent: azureml:c@latest")).toThrow(
      /pipeline deployments .* are not supported.*scoring script/,
    );
    expect(() => parseDeploymentYaml("name: p\ncomponent: ./pipeline.yml")).toThrow("pipeline deployments");
    expect(() => parseDeploymentYaml("name: m\nmodel: { name: heart, path: model }", { modelIsMlflow: true })).toThrow(
      /MLflow no-code deployment \(a model with an MLmodel file and no code_configuration\), which Batchpoint does not support.*add code_configuration/,
    );
    expect(() => parseDeploymentYaml("name: m\ntype: online\ncode_configuration: { code: c, scoring_script: s.py }")).toThrow(
      "type must be model",
    );
  });

  it("infers node from a .js/.mjs scoring script, keeps interpreter, and reads model references", () => {
    const spec = parseDeploymentYaml(
      "name: blue\nmodel: azureml:fraud:3\ncode_configuration: { code: ./src, scoring_script: ./score.mjs }\ninterpreter: /usr/bin/node\n",
    );
    expect(spec).toMatchObject({
      runtime: "node",
      scoringScript: "score.mjs",
      interpreter: "/usr/bin/node",
      model: { kind: "ref", ref: "fraud:3" },
      settings: {},
    });
    expect(parseDeploymentYaml("name: b\nmodel: fraud:2\ncode_configuration: { code: c, scoring_script: s.py }").model).toEqual({
      kind: "ref",
      ref: "fraud:2",
    });
    expect(parseDeploymentYaml("name: b\nmodel: ./models/fraud_v2\ncode_configuration: { code: c, scoring_script: s.py }").model).toEqual({
      kind: "local",
      path: "./models/fraud_v2",
      name: "fraud-v2",
    });
    expect(parseDeploymentYaml("name: b\nruntime: node\ncode_configuration: { code: c, scoring_script: s.js }").runtime).toBe("node");
  });

  it("turns mistakes into usage errors that name the key", () => {
    expect(() => parseDeploymentYaml("name: b\ncode_configuration: { code: c }")).toThrow("code_configuration needs code");
    expect(() => parseDeploymentYaml("code_configuration: { code: c, scoring_script: s.py }")).toThrow("needs a name");
    expect(() => parseDeploymentYaml("name: b\nruntime: ruby\ncode_configuration: { code: c, scoring_script: s.py }")).toThrow(
      "runtime must be python or node",
    );
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
    expect(notes).toEqual(["settings.bogus"]);
  });

  it("takes supports_explanations as a boolean only", () => {
    expect(mapSettings({ supports_explanations: true })).toEqual({ supportsExplanations: true });
    expect(() => mapSettings({ supports_explanations: "yes" })).toThrow("settings.supports_explanations must be true or false, not 'yes'.");
  });
});

describe("modelRef and the request bodies", () => {
  it("builds the PATCH body of an update from the same YAML: no name or runtime, a dropped model or interpreter is cleared", () => {
    const spec = parseDeploymentYaml("name: blue\ncode_configuration: { code: c, scoring_script: s.py }\nsettings: { instance_count: 3 }");
    expect(deploymentUpdateBody(spec, { "s.py": "y" })).toEqual({
      model: null,
      interpreter: null,
      code: { files: { "s.py": "y" } },
      scoringScript: "s.py",
      settings: { sandboxSettings: {}, instanceCount: 3 },
      environment: null,
    });
  });

  it("reads settings.sandbox_settings (snake_case, like retry_settings) and refuses a key it does not know", () => {
    const base = "name: b\ncode_configuration: { code: c, scoring_script: s.py }\n";
    const spec = parseDeploymentYaml(
      `${base}settings:\n  sandbox_settings:\n    allow_network: true\n    memory_mib: 4096\n    processes: 64\n    open_files: 256\n    file_size_mib: 10\n    cpu_seconds: 120\n`,
    );
    expect(spec.settings.sandboxSettings).toEqual({
      allowNetwork: true,
      memoryMiB: 4096,
      processes: 64,
      openFiles: 256,
      fileSizeMiB: 10,
      cpuSeconds: 120,
    });
    expect(() => parseDeploymentYaml(`${base}settings: { sandbox_settings: { memory: 4096 } }`)).toThrow(
      "settings.sandbox_settings.memory is not a sandbox setting; use allow_network, memory_mib, processes, open_files, file_size_mib, cpu_seconds.",
    );
    expect(() => parseDeploymentYaml(`${base}settings: { sandbox_settings: { allow_network: "yes" } }`)).toThrow(
      "settings.sandbox_settings.allow_network must be true or false, not 'yes'.",
    );
    expect(() => parseDeploymentYaml(`${base}settings: { sandbox_settings: { processes: lots } }`)).toThrow(
      "settings.sandbox_settings.processes must be a whole number, not 'lots'.",
    );
  });

  it("reads environment.conda_file and requirements_file, and notes a registered environment", () => {
    const base = "name: b\ncode_configuration: { code: c, scoring_script: s.py }\n";
    const spec = parseDeploymentYaml(`${base}environment:\n  conda_file: env/conda.yaml\n  requirements_file: requirements.txt\n`);
    expect(spec.environment).toEqual({ condaFile: "env/conda.yaml", requirementsFile: "requirements.txt" });
    expect(spec.notes).toEqual([]);
    const registered = parseDeploymentYaml(`${base}environment: azureml:sklearn-env@latest\n`);
    expect(registered.environment).toBeUndefined();
    expect(registered.notes[0]).toContain("not acted on by Batchpoint: environment (a registered environment is not used");
    expect(() => parseDeploymentYaml(`${base}environment: { conda_file: 3 }\n`)).toThrow(
      "environment.conda_file must be a file path, relative to the deployment file.",
    );
  });

  it("strips azureml: and @latest", () => {
    expect(modelRef("azureml:heart-classifier@latest")).toBe("heart-classifier");
    expect(modelRef("azureml:heart:4")).toBe("heart:4");
  });

  it("builds the camelCase body of POST /endpoints/{e}/deployments", () => {
    const spec = parseDeploymentYaml(
      "name: blue\ndescription: d\ncode_configuration: { code: c, scoring_script: s.py }\nsettings: { mini_batch_size: 5 }",
    );
    expect(deploymentBody(spec, { "s.py": "x" }, { model: "m:1", setDefault: true })).toEqual({
      name: "blue",
      description: "d",
      model: "m:1",
      runtime: "python",
      code: { files: { "s.py": "x" } },
      scoringScript: "s.py",
      settings: { miniBatchSize: 5 },
      setDefault: true,
    });
  });
});

describe("az's --set on batch-deployment create and update", () => {
  it("sets keys of the file before it is read: settings, environment variables as text, resources", () => {
    const spec = parseDeploymentYaml(AZURE_YAML, {
      sets: [
        "settings.environment_variables.OPENAI_API_BASE=https://example.openai.azure.com/",
        "settings.environment_variables.RETRIES=3",
        "settings.mini_batch_size=20",
        "resources.instance_count=3",
        "description=from --set",
      ],
    });
    expect(spec.settings).toMatchObject({
      miniBatchSize: 20,
      instanceCount: 3,
      environmentVariables: { OPENAI_API_BASE: "https://example.openai.azure.com/", RETRIES: "3" },
    });
    expect(spec.description).toBe("from --set");
  });

  it("refuses a key outside Azure's deployment schema, naming the nearest one (exit 2), and changes nothing", () => {
    expect(() => parseDeploymentYaml(AZURE_YAML, { sets: ["setings.mini_batch_size=2"] })).toThrow(
      "--set setings.mini_batch_size: 'setings' is not a key of a batch deployment. Did you mean 'settings'?",
    );
    expect(() => parseDeploymentYaml(AZURE_YAML, { sets: ["settings.mini_batch_sise=2"] })).toThrow(
      "'mini_batch_sise' is not a deployment setting. Did you mean 'mini_batch_size'?",
    );
    expect(() => parseDeploymentYaml(AZURE_YAML, { sets: ["settings.mini_batch_size"] })).toThrow(UsageError);
    expect(() => parseDeploymentYaml(AZURE_YAML, { sets: ["name.x=1"] })).toThrow("'name' is not a mapping in the file");
  });

  it("names a key Batchpoint does not act on in the one note, as in the file", () => {
    const spec = parseDeploymentYaml(AZURE_YAML, { sets: ["compute=azureml:gpu-cluster"] });
    expect(spec.notes.join("\n")).toContain("compute");
  });
});
