import { describe, expect, it } from "vitest";
import { classifyInput, literalFromText, parseInvokeFile, parseSet } from "./invoke-inputs";

describe("--set", () => {
  it("types numbers and booleans and keeps the rest as text", () => {
    expect(parseSet("threshold=0.75")).toEqual(["threshold", { type: "number", value: 0.75 }]);
    expect(parseSet("limit=10")).toEqual(["limit", { type: "integer", value: 10 }]);
    expect(parseSet("inputs.verbose=TRUE")).toEqual(["verbose", { type: "boolean", value: true }]);
    expect(parseSet("label=a=b")).toEqual(["label", { type: "string", value: "a=b" }]);
    expect(parseSet("empty=")).toEqual(["empty", { type: "string", value: "" }]);
    expect(literalFromText("1e3")).toEqual({ type: "number", value: 1000 });
    expect(literalFromText("007x")).toEqual({ type: "string", value: "007x" });
  });

  it("rejects a missing '=' or a bad name", () => {
    expect(() => parseSet("novalue")).toThrow("--set expects NAME=VALUE, not 'novalue'.");
    expect(() => parseSet("1st=2")).toThrow("is not an input name");
  });
});

describe("classifyInput", () => {
  it("tells datastore paths and URLs from local paths", () => {
    expect(classifyInput("azureml://datastores/workspaceblobstore/paths/a/")).toBe("datastore");
    expect(classifyInput("datastores/ds1/paths/a.csv")).toBe("datastore");
    expect(classifyInput("https://acct.blob.core.windows.net/c/p?sv=1")).toBe("url");
    expect(classifyInput("./data")).toBe("local");
    expect(classifyInput("datastores")).toBe("local");
  });
});

describe("parseInvokeFile", () => {
  it("reads Azure's inputs and outputs: data input, typed literals (value or default), plain scalars, a uri_file output", () => {
    const file = parseInvokeFile(`
inputs:
  heart_dataset:
    type: uri_folder
    path: azureml://datastores/workspaceblobstore/paths/heart/
  score_mode:
    type: string
    default: append
  limit:
    type: integer
    value: "25"
  strict: true
outputs:
  score:
    type: uri_file
    path: azureml://datastores/workspaceblobstore/paths/out/heart.csv
`);
    expect(file).toEqual({
      inputs: {
        heart_dataset: { type: "uri_folder", path: "azureml://datastores/workspaceblobstore/paths/heart/" },
        score_mode: { type: "string", value: "append" },
        limit: { type: "integer", value: 25 },
        strict: { type: "boolean", value: true },
      },
      output: { path: "azureml://datastores/workspaceblobstore/paths/out/", fileName: "heart.csv" },
      unread: [],
    });
  });

  it("reads a tabular input: one CSV split by rows", () => {
    expect(
      parseInvokeFile("inputs:\n  claims:\n    type: tabular\n    path: datastores/workspaceblobstore/paths/claims.csv\n").inputs,
    ).toEqual({
      claims: { type: "tabular", path: "datastores/workspaceblobstore/paths/claims.csv" },
    });
  });

  it("takes Azure's float literal type as it is, and checks its value", () => {
    expect(parseInvokeFile("inputs:\n  threshold:\n    type: float\n    value: '0.25'\n").inputs).toEqual({
      threshold: { type: "float", value: 0.25 },
    });
    expect(() => parseInvokeFile("inputs:\n  t:\n    type: float\n    default: high\n")).toThrow("inputs.t: 'high' is not a float.");
  });

  it("names every key it does not act on, for the one note", () => {
    const file = parseInvokeFile(
      "$schema: x\ninputs:\n  images:\n    type: uri_folder\n    path: datastores/ws/paths/in/\n    mode: ro_mount\n  n: 3\noutputs:\n  score:\n    type: uri_folder\n    path: datastores/ws/paths/out/\n    mode: rw_mount\nexperiment_name: e\n",
    );
    expect(file.unread).toEqual(["experiment_name", "inputs.images.mode", "outputs.score.mode"]);
    expect(parseInvokeFile("inputs:\n  n: 3\n").unread).toEqual([]);
  });

  it("says which input is wrong", () => {
    expect(() => parseInvokeFile("inputs:\n  n:\n    type: integer\n    value: abc\n")).toThrow("inputs.n: 'abc' is not a integer.");
    expect(() => parseInvokeFile("inputs:\n  d:\n    type: uri_folder\n")).toThrow("inputs.d: a uri_folder input needs a path.");
    expect(() => parseInvokeFile("inputs:\n  d:\n    type: mltable\n    path: x\n")).toThrow("type 'mltable' is not supported");
    expect(() => parseInvokeFile("- a\n- b\n")).toThrow("must be a YAML mapping");
  });
});

describe("the invoke file's tabular: section", () => {
  it("maps snake_case keys to the API's names", () => {
    const file = parseInvokeFile(
      "inputs:\n  t: { type: jsonl, path: datastores/ws/paths/a.jsonl }\ntabular:\n  passthrough_columns: [id]\n  column_names_remapping: { debug: null }\n  include_prediction_status: true\n",
    );
    expect(file.inputs.t).toEqual({ type: "jsonl", path: "datastores/ws/paths/a.jsonl" });
    expect(file.rowOptions).toEqual({ passthroughColumns: ["id"], columnNamesRemapping: { debug: null }, includePredictionStatus: true });
  });

  it("refuses unknown keys, naming the known ones (a usage error: exit 2)", () => {
    expect(() => parseInvokeFile("inputs: {}\ntabular:\n  passthru: [id]\n")).toThrow(
      "tabular.passthru is not a known setting; use passthrough_columns",
    );
    expect(() => parseInvokeFile("inputs: {}\ntabular:\n  csv_settings: { delimeter: ';' }\n")).toThrow(
      "tabular.csv_settings.delimeter is not a known setting; use delimiter, quotechar, encoding.",
    );
  });
});
