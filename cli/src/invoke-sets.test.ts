import { describe, expect, it } from "vitest";
import { classifyInput, parseInvokeSets } from "./invoke-inputs";

describe("invoke --set (Azure's job settings)", () => {
  it("maps Azure's keys to the job body, typed", () => {
    expect(
      parseInvokeSets([
        "output_file_name=predictions_1.csv",
        "mini_batch_size=20",
        "instance_count=5",
        "max_retries=1",
        "retry_settings.timeout=60",
        "error_threshold=-1",
        "logging_level=DEBUG",
        "environment_variables.TEAM=vision",
        "environment_variables.X=a=b",
      ]),
    ).toEqual({
      settings: {
        outputFileName: "predictions_1.csv",
        miniBatchSize: 20,
        instanceCount: 5,
        maxRetries: 1,
        timeout: 60,
        errorThreshold: -1,
        loggingLevel: "debug",
        environmentVariables: { TEAM: "vision", X: "a=b" },
      },
      inputs: {},
      outputs: {},
    });
  });

  it("reads inputs.<name>, inputs.<name>.path|type|value and outputs.<name>.path", () => {
    const s = parseInvokeSets([
      "inputs.threshold=0.8",
      "inputs.heart.path=azureml:heart@latest",
      "inputs.heart.type=uri_folder",
      "outputs.score.path=azureml://datastores/workspaceblobstore/paths/o/",
    ]);
    expect(s.inputs).toEqual({
      threshold: { value: { type: "number", value: 0.8 } },
      heart: { path: "azureml:heart@latest", type: "uri_folder" },
    });
    expect(s.outputs).toEqual({ score: { path: "azureml://datastores/workspaceblobstore/paths/o/" } });
  });

  it("refuses an unknown key (never a literal input by accident), with the nearest known one", () => {
    expect(() => parseInvokeSets(["mini_batch_sise=3"])).toThrow("--set: unknown key 'mini_batch_sise'. Did you mean 'mini_batch_size'?");
    expect(() => parseInvokeSets(["label=nightly"])).toThrow("A literal input is --set inputs.NAME=VALUE.");
    expect(() => parseInvokeSets(["mini_batch_size=ten"])).toThrow("--set mini_batch_size: 'ten' is not a whole number.");
    expect(() => parseInvokeSets(["logging_level=loud"])).toThrow("use one of debug, info, warning, error");
    expect(() => parseInvokeSets(["outputs.score.mode=rw_mount"])).toThrow("unknown key 'outputs.score.mode'");
  });

  it("passes data assets through as they are", () => {
    expect(classifyInput("azureml:heart-dataset-unlabeled@latest")).toBe("asset");
    expect(classifyInput("azureml:heart:3")).toBe("asset");
    expect(classifyInput("azureml://datastores/workspaceblobstore/paths/a/")).toBe("datastore");
  });
});

describe("--set display_name and tags", () => {
  it("sets the job's display name and tags, and refuses a bad tag name", () => {
    expect(parseInvokeSets(["display_name=Nightly fraud scoring", "tags.team=risk", "tags.run=42"]).settings).toEqual({
      displayName: "Nightly fraud scoring",
      tags: { team: "risk", run: "42" },
    });
    expect(() => parseInvokeSets(["tags.bad key=x"])).toThrow(/tag names use letters/);
    expect(() => parseInvokeSets(["tag=risk"])).toThrow(/unknown key 'tag'.*Did you mean 'tags'/);
  });
});
