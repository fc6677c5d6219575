import { describe, expect, it } from "vitest";
import { formatRelative } from "./format";

describe("formatRelative", () => {
  const now = Date.parse("2026-01-10T12:00:00Z");
  it("says never for no date", () => expect(formatRelative(null, now)).toBe("never"));
  it("uses the largest fitting unit", () => {
    expect(formatRelative(new Date(now - 5 * 60_000), now)).toBe("5 minutes ago");
    expect(formatRelative(new Date(now - 2 * 86_400_000), now)).toBe("2 days ago");
  });
});
