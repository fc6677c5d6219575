import path from "node:path";
import { AnonymousCredential, ContainerClient } from "@azure/storage-blob";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { assertSafeName, isSafeName, nameProblem, prefixProblem, resolveUnder, UnsafeNameError } from "./names";

const ROOT = path.resolve("/var/lib/batchpoint/work/job-1/0-1/inputs");
const CONTAINER_URL = "http://127.0.0.1:10000/acct/ws-tenant-a";

// Strings built from the characters that make trouble, so fast-check finds the edge cases quickly.
const tricky = fc
  .array(fc.constantFrom("a", "b", ".", "..", "/", "\\", "\0", "\r", "\n", "%2e", "%2F", "%5C", "C:", "~", " ", "é", "\u2028", "?", "#"), {
    maxLength: 12,
  })
  .map((parts) => parts.join(""));
const anyName = fc.oneof(tricky, fc.string({ maxLength: 40 }), fc.string({ unit: "binary", maxLength: 40 }));
const safeSegment = fc
  .string({ unit: fc.constantFrom(..."abcXYZ019_-. é"), minLength: 1, maxLength: 12 })
  .filter((s) => s !== "." && s !== "..");

describe("nameProblem", () => {
  it("accepts ordinary relative paths", () => {
    for (const ok of ["score.py", "inputs/2026/img_001.png", "model/model.pt", "a b/é.csv", ".hidden", "x..y", "..."])
      expect(nameProblem(ok)).toBeNull();
  });

  it("refuses each kind of escape, naming what is wrong", () => {
    expect(nameProblem("")).toBe("is empty");
    expect(nameProblem("../x")).toBe("has a '..' segment");
    expect(nameProblem("a/./b")).toBe("has a '.' segment");
    expect(nameProblem("a\\..\\..\\ws-other\\x")).toMatch(/backslash/);
    expect(nameProblem("/etc/passwd")).toMatch(/absolute/);
    expect(nameProblem("C:/x")).toMatch(/absolute/);
    expect(nameProblem("a\0b")).toMatch(/NUL/);
    expect(nameProblem("a\r\nb")).toMatch(/CR/);
    expect(nameProblem("a\nb")).toMatch(/LF/);
    expect(nameProblem("a//b")).toMatch(/empty folder/);
    expect(nameProblem("folder/")).toMatch(/ends with '\/'/);
    expect(nameProblem("x".repeat(1025))).toMatch(/longer than 1024/);
    expect(nameProblem(`${"x".repeat(256)}/y`)).toMatch(/longer than 255/);
  });

  it("allows the root and a trailing '/' for folder prefixes only", () => {
    expect(prefixProblem("")).toBeNull();
    expect(prefixProblem("inputs/")).toBeNull();
    expect(prefixProblem("inputs/../")).toMatch(/'\.\.'/);
  });

  it("throws an error naming the field, with control characters escaped", () => {
    expect(() => assertSafeName("a\nb", "files")).toThrow(UnsafeNameError);
    expect(() => assertSafeName("a\nb", "files")).toThrow("files 'a\\nb' contains a control character (LF).");
  });
});

describe("properties", () => {
  it("a name with a backslash, a control character or a '..' segment is always refused", () => {
    fc.assert(
      fc.property(anyName, (n) => {
        // eslint-disable-next-line no-control-regex
        const bad = n.includes("\\") || /[\u0000-\u001f\u007f]/.test(n) || n.split("/").includes("..");
        if (bad) expect(isSafeName(n)).toBe(false);
      }),
      { numRuns: 2000 },
    );
  });

  it("every accepted name, joined under a root, stays strictly inside it", () => {
    fc.assert(
      fc.property(anyName, (n) => {
        if (!isSafeName(n)) {
          expect(() => resolveUnder(ROOT, n)).toThrow(UnsafeNameError);
          return;
        }
        const full = resolveUnder(ROOT, n);
        expect(full.startsWith(ROOT + path.sep)).toBe(true);
        expect(path.relative(ROOT, full).split(path.sep)).not.toContain("..");
      }),
      { numRuns: 2000 },
    );
  });

  it("paths made of ordinary segments are accepted and land where their segments say", () => {
    fc.assert(
      fc.property(fc.array(safeSegment, { minLength: 1, maxLength: 6 }), (segs) => {
        const n = segs.join("/");
        expect(nameProblem(n)).toBeNull();
        expect(resolveUnder(ROOT, n)).toBe(path.join(ROOT, ...segs));
      }),
    );
  });

  it("the SDK's URL for every accepted name stays in its container", () => {
    const container = new ContainerClient(CONTAINER_URL, new AnonymousCredential());
    fc.assert(
      fc.property(anyName, (n) => {
        if (!isSafeName(n)) return;
        const url = new URL(container.getBlockBlobClient(n).url);
        expect(url.host).toBe("127.0.0.1:10000");
        expect(url.pathname.startsWith("/acct/ws-tenant-a/")).toBe(true);
        expect(decodeURIComponent(url.pathname.slice("/acct/ws-tenant-a/".length))).toBe(n);
      }),
      { numRuns: 2000 },
    );
  });

  it("shows why the rule exists: a listed '..' name (Azurite's form of a backslash name) would reach another container", () => {
    const container = new ContainerClient(CONTAINER_URL, new AnonymousCredential());
    const url = new URL(container.getBlockBlobClient("../ws-tenant-b/secret.csv").url);
    expect(url.pathname.startsWith("/acct/ws-tenant-a/")).toBe(false);
  });
});
