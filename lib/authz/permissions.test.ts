import { describe, expect, it } from "vitest";
import { can, PERMISSIONS } from "./permissions";

describe("permissions", () => {
  it("lets a scientist invoke and read but not manage deployments", () => {
    expect(can("scientist", "job:invoke")).toBe(true);
    expect(can("scientist", "endpoint:read")).toBe(true);
    expect(can("scientist", "deployment:manage")).toBe(false);
  });

  it("keeps readers read-only", () => {
    const granted = Object.keys(PERMISSIONS).filter((p) => can("reader", p as keyof typeof PERMISSIONS));
    expect(granted.every((p) => p.endsWith(":read"))).toBe(true);
    expect(granted).not.toContain("webhook:read");
  });

  it("fails closed for unknown roles and permissions", () => {
    expect(can("admin", "workspace:read")).toBe(false);
    expect(can(undefined, "workspace:read")).toBe(false);
    expect(can("owner", "toString" as never)).toBe(false);
  });

  it("reserves member and token management for owners", () => {
    expect(can("owner", "member:manage")).toBe(true);
    expect(can("contributor", "member:manage")).toBe(false);
    expect(can("contributor", "token:manage")).toBe(false);
  });
});
