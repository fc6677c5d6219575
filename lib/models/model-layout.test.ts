import { describe, expect, it } from "vitest";
import { legacyModelLayout, modelLayout } from "./model-layout";

describe("modelLayout", () => {
  it("keeps a registered folder's name above its files, as Azure ML does", () => {
    expect(modelLayout([{ path: "model.pt" }, { path: "labels/classes.txt" }], "model")).toEqual([
      "model/model.pt",
      "model/labels/classes.txt",
    ]);
  });

  it("keeps a file registered on its own at the root", () => {
    expect(modelLayout([{ path: "model.pkl" }], "model.pkl")).toEqual(["model.pkl"]);
  });

  it("takes paths as given without a root", () => {
    expect(modelLayout([{ path: "model/model.pt" }], undefined)).toEqual(["model/model.pt"]);
  });
});

describe("legacyModelLayout", () => {
  it("moves a folder's files under model/ and leaves a single file where it is", () => {
    expect(legacyModelLayout(["model.pt", "classes.txt"])).toEqual(["model/model.pt", "model/classes.txt"]);
    expect(legacyModelLayout(["weights/model.pt"])).toEqual(["model/weights/model.pt"]);
    expect(legacyModelLayout(["model.pkl"])).toEqual(["model.pkl"]);
  });
});
