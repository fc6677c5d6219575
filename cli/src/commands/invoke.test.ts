import { describe, expect, it } from "vitest";
import { uploadFolderName } from "./invoke";

describe("the upload folder of a local input", () => {
  it("is the time to the second and a random part, so two invokes of the same second never share one", () => {
    const now = new Date("2026-12-02T12:34:29.123Z");
    const names = new Set(Array.from({ length: 50 }, () => uploadFolderName(now)));
    expect(names.size).toBe(50);
    for (const n of names) expect(n).toMatch(/^20261202T123429Z-[0-9a-f]{8}$/);
  });
});
