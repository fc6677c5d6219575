import { describe, expect, it } from "vitest";
import { rowOptionsFrom } from "./invoke";

const base = { name: "e" };

describe("invoke's tabular flags", () => {
  it("become the API's row controls, over the invoke file's tabular: section", () => {
    expect(
      rowOptionsFrom(
        {
          ...base,
          passthroughColumns: "id, region",
          delimiter: "tab",
          encoding: "latin-1",
          rename: ["flag=big_sale", "debug="],
          includePredictionStatus: true,
        },
        { csvSettings: { quotechar: "'" }, includePredictionStatus: false },
      ),
    ).toEqual({
      passthroughColumns: ["id", "region"],
      csvSettings: { quotechar: "'", delimiter: "tab", encoding: "latin-1" },
      columnNamesRemapping: { flag: "big_sale", debug: null },
      includePredictionStatus: true,
    });
    expect(rowOptionsFrom(base, undefined)).toBeUndefined();
    expect(rowOptionsFrom({ ...base, passthroughAll: true }, undefined)).toEqual({ passthroughColumnsSet: "all" });
  });

  it("refuses a rename without '=' and an empty column list as usage errors", () => {
    expect(() => rowOptionsFrom({ ...base, rename: ["flag"] }, undefined)).toThrow("--rename expects OLD=NEW");
    expect(() => rowOptionsFrom({ ...base, passthroughColumns: " , " }, undefined)).toThrow("--passthrough-columns: give column names");
  });
});
