import { describe, expect, it } from "vitest";
import { safeCallbackPath, safeRedirectUrl } from "./safe-callback";

describe("where a user goes after signing in", () => {
  it("keeps same-origin paths with their query and hash", () => {
    expect(safeCallbackPath("/w/acme/jobs?status=failed#top")).toBe("/w/acme/jobs?status=failed#top");
    expect(safeCallbackPath("/invite/inv_abc")).toBe("/invite/inv_abc");
  });

  it.each([
    "/\\localhost:3933/phish",
    "/\\\\evil.example",
    "//evil.example/x",
    "///evil.example",
    "/%5Cevil.example",
    "/%255Cevil.example",
    "%2F%2Fevil.example",
    "\\\\evil.example",
    "https://evil.example/",
    "http:evil.example",
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "/\tjavascript:alert(1)",
    "/\n/evil.example",
    " //evil.example",
    "/%0a/evil.example",
    "data:text/html,hi",
    "%E0%A4%A",
    "",
  ])("sends %j home instead", (raw) => {
    expect(safeCallbackPath(raw)).toBe("/");
  });

  it("refuses what is not a string", () => {
    expect(safeCallbackPath(undefined)).toBe("/");
    expect(safeCallbackPath(["/a", "/b"])).toBe("/");
  });

  it("next-auth's redirect callback keeps same-origin URLs and turns every other one into the base", () => {
    const base = "http://localhost:3000";
    expect(safeRedirectUrl("http://localhost:3000/w/acme", base)).toBe("http://localhost:3000/w/acme");
    expect(safeRedirectUrl("/w/acme", base)).toBe("http://localhost:3000/w/acme");
    expect(safeRedirectUrl("http://localhost:3000//evil.example", base)).toBe("http://localhost:3000/");
    expect(safeRedirectUrl("http://localhost:3000.evil.example/", base)).toBe("http://localhost:3000/");
    expect(safeRedirectUrl("/\\evil.example", base)).toBe("http://localhost:3000/");
    expect(safeRedirectUrl("https://evil.example/", base)).toBe("http://localhost:3000/");
  });
});
