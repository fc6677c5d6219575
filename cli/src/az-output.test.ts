import { describe, expect, it } from "vitest";
import { applyQuery, formatAz, formatAzTable, formatTsv } from "./az-output";
import { azDeployment, azEndpoint, azJob, azureStatus, jobWebUrl } from "./azure-shape";
import { UsageError } from "./errors";

const JOB = {
  name: "batchjob-20261201-abcd1234",
  status: "completed",
  endpoint: "mnist-batch",
  deployment: "mnist-torch-dpl",
  deploymentVersion: 2,
  inputs: {
    data: { name: "input_data", type: "uri_folder", path: "azureml://datastores/workspaceblobstore/paths/x/" },
    literals: { threshold: 0.5 },
  },
  settings: {
    miniBatchSize: 10,
    instanceCount: 1,
    maxConcurrencyPerInstance: 2,
    maxRetries: 3,
    timeoutSeconds: 30,
    errorThreshold: -1,
    outputAction: "append_row",
    loggingLevel: "info",
    environmentVariables: {},
  },
  output: { path: "azureml://datastores/workspaceblobstore/paths/out/", fileName: "predictions.csv" },
  progress: {
    percent: 100,
    miniBatches: { total: 2, completed: 2, failed: 0, pending: 0 },
    files: { total: 20, completed: 20, failed: 0, pending: 0 },
  },
  error: null,
  createdAt: "2026-12-01T11:00:00.000Z",
};

describe("the Azure shape of Batchpoint's objects", () => {
  it("spells job states as Azure does, so `--query status -o tsv` prints Completed", () => {
    expect(
      ["queued", "preparing", "running", "finalizing", "completed", "failed", "canceled", "not_started", "completed_with_errors"].map(
        azureStatus,
      ),
    ).toEqual(["Queued", "Preparing", "Running", "Finalizing", "Completed", "Failed", "Canceled", "NotStarted", "CompletedWithErrors"]);
    expect(formatTsv(applyQuery(azJob(JOB), "status"))).toBe("Completed\n");
    expect(formatTsv(applyQuery(azJob(JOB), "name"))).toBe("batchjob-20261201-abcd1234\n");
  });

  it("gives a job Azure's named output `score`, its settings in snake_case and the dashboard URL", () => {
    const url = jobWebUrl("http://localhost:3000/", "default", JOB.name);
    expect(url).toBe("http://localhost:3000/w/default/jobs/batchjob-20261201-abcd1234");
    const j = azJob(JOB, { webUrl: url });
    expect(j.outputs).toEqual({
      score: { type: "uri_folder", path: "azureml://datastores/workspaceblobstore/paths/out/", file_name: "predictions.csv" },
    });
    expect(j.inputs).toEqual({
      input_data: { type: "uri_folder", path: "azureml://datastores/workspaceblobstore/paths/x/" },
      threshold: 0.5,
    });
    expect(j.settings).toMatchObject({
      mini_batch_size: 10,
      retry_settings: { max_retries: 3, timeout: 30 },
      output_file_name: "predictions.csv",
    });
    expect(j.services).toEqual({ Studio: { endpoint: url } });
  });

  it("shapes endpoints and deployments with defaults.deployment_name and Azure's settings keys", () => {
    const e = azEndpoint({
      name: "mnist",
      description: null,
      tags: { type: "dl" },
      defaults: { deploymentName: "torch" },
      deployments: [{ name: "torch", version: 1, isDefault: true }],
    });
    expect(applyQuery(e, "{Name:name, Defaults:defaults}")).toEqual({ Name: "mnist", Defaults: { deployment_name: "torch" } });
    const d = azDeployment({
      name: "torch",
      endpointName: "mnist",
      model: "mnist-classifier-torch:3",
      scoringScript: "batch_driver.py",
      version: 1,
      isDefault: true,
      settings: {
        miniBatchSize: 10,
        instanceCount: 2,
        maxConcurrencyPerInstance: 2,
        retrySettings: { maxRetries: 3, timeout: 30 },
        errorThreshold: -1,
        outputAction: "append_row",
        outputFileName: "p.csv",
        loggingLevel: "info",
        environmentVariables: { A: "b" },
      },
    });
    expect(d).toMatchObject({
      model: "azureml:mnist-classifier-torch:3",
      resources: { instance_count: 2 },
      settings: { mini_batch_size: 10, output_action: "append_row", retry_settings: { max_retries: 3, timeout: 30 } },
    });
  });
});

describe("-o formats", () => {
  it("tsv: one line per list item, an object's scalar values tab-separated, nested lists counted and objects empty", () => {
    expect(formatTsv(["a", "b"])).toBe("a\nb\n");
    expect(formatTsv([{ name: "a", n: 1, tags: { x: 1 }, list: [1, 2], ok: true, none: null }])).toBe("a\t1\t\t2\tTrue\tNone\n");
    expect(formatTsv([2, 2, 0])).toBe("2\n2\n0\n");
    expect(formatAz(null, "tsv")).toBe("");
  });

  it("table: scalar fields as columns with az's capitalised headers; json and yaml as they are", () => {
    expect(
      formatAzTable([
        { name: "a", status: "Completed", nested: { x: 1 } },
        { name: "bb", status: "Failed" },
      ]),
    ).toBe("Name  Status\n----  ---------\na     Completed\nbb    Failed\n");
    expect(formatAz({ a: 1 }, "json")).toBe('{\n  "a": 1\n}\n');
    expect(formatAz({ a: [1] }, "yaml")).toBe("a:\n  - 1\n");
    expect(formatAz({ a: 1 }, "none")).toBe("");
  });

  it("JMESPath as az evaluates it: projections, and a bad expression is a usage error", () => {
    expect(applyQuery([{ name: "a" }, { name: "b" }], "[].name")).toEqual(["a", "b"]);
    expect(() => applyQuery({}, "[?")).toThrow(UsageError);
  });
});
