import { describe, expect, it } from "vitest";
import { invokeJobSchema } from "../invoke-job";

const file = { container: "inbox", filePath: "a/one.txt" };
const storage = { storageAccount: "acct", storageAccountKey: "k==" };
const issues = (body: unknown) => {
  const r = invokeJobSchema.safeParse(body);
  return r.success ? [] : r.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
};

describe("invoke bodies with sources, explain and per-job variables", () => {
  it("accepts Modzy's sources with credentials, and a job with only literals or variables", () => {
    expect(issues({ sources: { "item-1": { "input.txt": file } }, storage, explain: true })).toEqual([]);
    expect(issues({ inputs: { threshold: { type: "number", value: 0.5 } } })).toEqual([]);
    expect(issues({ environmentVariables: { REGION: "eu" } })).toEqual([]);
  });

  it("names the field and the fix", () => {
    expect(issues({ sources: { "item-1": { "input.txt": file } } })).toEqual([
      "storage: sources need the job's storage credentials: storage: { storageAccount, storageAccountKey } or { storageAccount, sasToken }.",
    ]);
    expect(issues({ sources: { "item-1": { "input.txt": file } }, storage: { storageAccount: "acct" } })).toEqual([
      "storage.storageAccountKey: Give exactly one of storageAccountKey and sasToken.",
    ]);
    expect(issues({ sources: { "../x": { "input.txt": file } }, storage })[0]).toMatch(
      /^sources\.\.\.\/x: '\.\.\/x': item keys use letters/,
    );
    expect(
      issues({ sources: { a: { "input.txt": file } }, storage, input: { type: "uri_folder", path: "datastores/d/paths/p/" } }),
    ).toEqual(["sources: Give either sources or a data input (input / inputs), not both."]);
    expect(issues({ environmentVariables: { AZUREML_MODEL_DIR: "/", "1X": "y" } })).toEqual([
      "environmentVariables.AZUREML_MODEL_DIR: AZUREML_MODEL_DIR is set by the platform and cannot be overridden by a job; choose another name.",
      "environmentVariables.1X: '1X': variable names use letters, digits and '_', not starting with a digit.",
    ]);
    expect(issues({})[0]).toMatch(/^input: Give one data input/);
  });
});
