import { describe, expect, it } from "vitest";
import { parseSourcesFile, storageOf } from "./sources";

describe("Modzy-style sources for batchpoint endpoint invoke", () => {
  it("reads the items map as the whole file or under sources:, and names a malformed item", () => {
    const items = { "item-1": { "input.txt": { container: "inbox", filePath: "a/one.txt" } } };
    expect(parseSourcesFile(JSON.stringify(items), "s.json")).toEqual(items);
    expect(parseSourcesFile("sources:\n  item-1:\n    input.txt: { container: inbox, filePath: a/one.txt }\n", "s.yml")).toEqual(items);
    expect(() => parseSourcesFile(JSON.stringify({ "item-1": { "input.txt": { container: "inbox" } } }), "s.json")).toThrow(
      "s.json: item-1.input.txt needs a container and a filePath.",
    );
    expect(() => parseSourcesFile(JSON.stringify({ sources: items, storageAccountKey: "k" }), "s.json")).toThrow(
      "only 'sources' is read from this file",
    );
  });

  it("takes the key or SAS from flags or from AZURE_STORAGE_KEY / AZURE_STORAGE_SAS_TOKEN", () => {
    expect(storageOf({ storageAccount: "acct" }, { AZURE_STORAGE_KEY: "k==" })).toEqual({
      storageAccount: "acct",
      storageAccountKey: "k==",
    });
    expect(storageOf({ storageAccount: "acct", sasToken: "sv=1&sig=x" }, { AZURE_STORAGE_KEY: "k==" })).toEqual({
      storageAccount: "acct",
      sasToken: "sv=1&sig=x",
    });
    expect(() => storageOf({ storageAccount: "acct" }, {})).toThrow("give the storage account's key");
    expect(() => storageOf({}, {})).toThrow("--sources needs --storage-account NAME");
  });
});
