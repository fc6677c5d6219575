import { describe, expect, it } from "vitest";
import { parseKeyValueLines } from "./key-value";

describe("parseKeyValueLines", () => {
  it("keeps '=' inside values and skips lines without one", () => {
    expect(parseKeyValueLines(" A = 1 \n\nnot a pair\nURL=http://x?a=b")).toEqual([
      ["A", "1"],
      ["URL", "http://x?a=b"],
    ]);
  });
});
