import { describe, expect, it } from "vitest";
import { DataPathError, maskDataPath, parseDataPath } from "./data-paths";

describe("parseDataPath", () => {
  it("accepts Azure ML's azureml:// form and the short form", () => {
    expect(parseDataPath("azureml://datastores/workspaceblobstore/paths/mnist/images/")).toEqual({
      kind: "datastore",
      datastore: "workspaceblobstore",
      path: "mnist/images/",
    });
    expect(parseDataPath("datastores/team_data/paths/in/a.csv")).toEqual({ kind: "datastore", datastore: "team_data", path: "in/a.csv" });
  });

  it("reads account, container, path and SAS from an Azure blob URL", () => {
    expect(parseDataPath("https://acct01.blob.core.windows.net/inputs/2026/11/?sv=2024&sig=abc")).toEqual({
      kind: "url",
      accountName: "acct01",
      containerName: "inputs",
      path: "2026/11/",
      sas: "sv=2024&sig=abc",
      endpoint: "https://acct01.blob.core.windows.net",
    });
  });

  it("reads path-style emulator URLs", () => {
    expect(parseDataPath("http://127.0.0.1:10000/devstoreaccount1/data/x/y.png")).toMatchObject({
      accountName: "devstoreaccount1",
      containerName: "data",
      path: "x/y.png",
      endpoint: "http://127.0.0.1:10000/devstoreaccount1",
    });
  });

  it("refuses anything else with a message that shows the accepted forms", () => {
    expect(() => parseDataPath("/local/file.csv")).toThrow(/datastores\/<datastore>\/paths\/<path>/);
    expect(() => parseDataPath("datastores/ws/paths/../../etc")).toThrow(DataPathError);
  });
});

describe("maskDataPath", () => {
  it("masks every value of a blob URL's SAS query, keeping the names, and leaves other paths as they are", () => {
    expect(maskDataPath("https://acct01.blob.core.windows.net/in/2026/?sv=2024-01-01&sp=rl&se=2030-01-01&sig=abc%2Fdef%3D")).toBe(
      "https://acct01.blob.core.windows.net/in/2026/?sv=********&sp=********&se=********&sig=********",
    );
    expect(maskDataPath("http://127.0.0.1:10000/devstoreaccount1/c/a.csv?sig=x#frag")).toBe(
      "http://127.0.0.1:10000/devstoreaccount1/c/a.csv?sig=********",
    );
    expect(maskDataPath("https://acct01.blob.core.windows.net/public/a.csv")).toBe("https://acct01.blob.core.windows.net/public/a.csv");
    expect(maskDataPath("datastores/workspaceblobstore/paths/in/?sig=literal")).toBe("datastores/workspaceblobstore/paths/in/?sig=literal");
  });
});
