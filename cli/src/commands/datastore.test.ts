import { describe, expect, it } from "vitest";
import { UsageError } from "../errors";
import { datastoreBody } from "./datastore";

describe("batchpoint datastore create", () => {
  it("sends a filesystem datastore from flags, and an Azure one from an az ml YAML", () => {
    expect(datastoreBody({ name: "local_data", type: "filesystem", description: "here" })).toEqual({
      kind: "filesystem",
      name: "local_data",
      description: "here",
    });
    const yaml = "name: team_blob\ntype: azure_blob\naccount_name: acct\ncontainer_name: inputs\ncredentials:\n  sas_token: sv=1&sig=x\n";
    expect(datastoreBody({}, yaml)).toEqual({
      kind: "azure_blob",
      auth: "sas",
      name: "team_blob",
      description: undefined,
      accountName: "acct",
      containerName: "inputs",
      sasToken: "sv=1&sig=x",
    });
    expect(datastoreBody({ type: "filesystem" }, "name: from_yaml\n")).toEqual({ kind: "filesystem", name: "from_yaml" });
  });

  it("refuses an unknown kind, a missing name and an Azure store without credentials, as usage errors", () => {
    expect(() => datastoreBody({ name: "x_store", type: "nfs" })).toThrow(UsageError);
    expect(() => datastoreBody({ name: "x_store", type: "nfs" })).toThrow(/filesystem .*azure_blob/);
    expect(() => datastoreBody({ type: "filesystem" })).toThrow(/--name/);
    expect(() => datastoreBody({}, "name: b\ntype: azure_blob\naccount_name: a\ncontainer_name: c\n")).toThrow(/credentials/);
  });
});
