import { describe, expect, it } from "vitest";
import { formatBytes, inlineImageType, previewKind } from "./file-kinds";

describe("how the data browser opens a file", () => {
  it("previews text, CSV and raster images by extension, and downloads the rest", () => {
    expect(previewKind("a/b/claims.CSV")).toBe("csv");
    expect(previewKind("notes/readme.txt")).toBe("text");
    expect(previewKind("t.tsv")).toBe("text");
    expect(previewKind("img/x.JPeG")).toBe("image");
    expect(previewKind("model.pkl")).toBe("none");
    expect(previewKind("README")).toBe("none");
  });

  it("never serves markup inline: SVG and HTML are downloads, images get a type from their extension only", () => {
    expect(inlineImageType("x.png")).toBe("image/png");
    expect(inlineImageType("x.svg")).toBeNull();
    expect(inlineImageType("x.html")).toBeNull();
    expect(inlineImageType("x.png.html")).toBeNull();
  });

  it("formats sizes in binary units", () => {
    expect(formatBytes(3)).toBe("3 B");
    expect(formatBytes(1536)).toBe("1.5 KiB");
    expect(formatBytes(5 * 1024 ** 2)).toBe("5.0 MiB");
  });
});
