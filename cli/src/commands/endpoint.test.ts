import { describe, expect, it } from "vitest";
import { parseTagArgs } from "./endpoint";

describe("--tags", () => {
  it("takes repeated and comma-separated key=value pairs; a bare key is an empty tag", () => {
    expect(parseTagArgs(["team=fraud,tier=gold", "experimental", "url=a=b"])).toEqual({
      team: "fraud",
      tier: "gold",
      experimental: "",
      url: "a=b",
    });
    expect(parseTagArgs()).toEqual({});
    expect(() => parseTagArgs(["=x"])).toThrow("--tags expects key=value, not '=x'.");
  });
});
