import { describe, expect, it } from "vitest";
import { codeFilesSchema } from "./settings";
import { readAzureResources } from "./unsupported";

describe("code files", () => {
  const bytes = Buffer.from([0x80, 0x04, 0x95, 0xff, 0x00, 0xc3, 0x28]);
  it("keeps text as UTF-8 and base64 content as the exact bytes, in either form", () => {
    const byPath = codeFilesSchema.parse({
      "score.py": "print('é')\n",
      "model.pkl": { content: bytes.toString("base64"), encoding: "base64" },
    });
    expect(byPath["score.py"].toString("utf8")).toBe("print('é')\n");
    expect(byPath["model.pkl"].equals(bytes)).toBe(true);
    const list = codeFilesSchema.parse([
      { path: "model.pkl", content: bytes.toString("base64"), encoding: "base64" },
      { path: "a.txt", content: "a" },
    ]);
    expect(list["model.pkl"].equals(bytes)).toBe(true);
    expect(list["a.txt"].toString()).toBe("a");
    expect(codeFilesSchema.parse(byPath)["model.pkl"].equals(bytes)).toBe(true);
  });
  it("refuses bad base64, files over 5 MiB and a path given twice", () => {
    const r = codeFilesSchema.safeParse({ "m.pkl": { content: "not base64!", encoding: "base64" } });
    expect(r.error?.issues[0]).toMatchObject({ path: ["m.pkl"], message: "'m.pkl': content is not valid base64." });
    expect(codeFilesSchema.safeParse({ big: Buffer.alloc(5 * 1024 * 1024 + 1) }).error?.issues[0].message).toBe(
      "Each code file may be at most 5 MiB.",
    );
    expect(
      codeFilesSchema.safeParse([
        { path: "a", content: "1" },
        { path: "a", content: "2" },
      ]).error?.issues[0].message,
    ).toBe("'a' is given twice.");
  });
});

describe("Azure's resources.instanceCount", () => {
  it("becomes settings.instanceCount; both with different values, or other keys, are errors", () => {
    expect(readAzureResources({ name: "x", resources: { instance_count: 2 }, settings: { miniBatchSize: 3 } })).toEqual({
      name: "x",
      settings: { miniBatchSize: 3, instanceCount: 2 },
    });
    expect(() => readAzureResources({ resources: { instanceCount: 2 }, settings: { instanceCount: 3 } })).toThrow(/disagree/);
    expect(() => readAzureResources({ resources: { instanceType: "Standard_DS3" } })).toThrow("Unknown field 'resources.instanceType'");
    expect(readAzureResources({ name: "x" })).toEqual({ name: "x" });
  });
});
