import { describe, expect, it } from "vitest";
import { localPathFor } from "./materialize";

describe("localPathFor", () => {
  it("places blobs relative to the prefix", () => {
    expect(localPathFor("deployments/d1/code", "deployments/d1/code/score.py")).toBe("score.py");
    expect(localPathFor("deployments/d1/code/", "deployments/d1/code/utils/a.py")).toBe("utils/a.py");
    expect(localPathFor("", "score.py")).toBe("score.py");
  });

  it("treats a prefix naming one blob as a single file", () => {
    expect(localPathFor("scripts/score.py", "scripts/score.py")).toBe("score.py");
  });

  it("skips blobs of a sibling prefix and names that would escape the directory", () => {
    expect(localPathFor("deployments/d1/code", "deployments/d1/code2/x.py")).toBeNull();
    expect(localPathFor("code", "code/../../etc/passwd")).toBeNull();
    expect(localPathFor("code", "code/a/..\\b")).toBeNull();
    expect(localPathFor("code", "code//a/./b.py")).toBe("a/b.py");
  });
});
