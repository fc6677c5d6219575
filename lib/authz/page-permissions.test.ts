import { describe, expect, it } from "vitest";
import { pagePermission } from "./page-permissions";

describe("pagePermission", () => {
  it("maps each gated dashboard path to its permission", () => {
    expect(pagePermission("/w/acme/settings/tokens")).toEqual({ slug: "acme", permission: "token:manage" });
    expect(pagePermission("/w/acme/settings/webhooks/ck123")).toEqual({ slug: "acme", permission: "webhook:read" });
    expect(pagePermission("/w/acme/endpoints/scorer/invoke")).toEqual({ slug: "acme", permission: "job:invoke" });
    expect(pagePermission("/w/acme/endpoints/scorer/deployments/blue/edit")).toEqual({ slug: "acme", permission: "deployment:manage" });
    expect(pagePermission("/w/acme/job-definitions/new")).toEqual({ slug: "acme", permission: "jobdefinition:manage" });
  });
  it("names no permission for an ungated page, and no workspace outside /w/", () => {
    expect(pagePermission("/w/acme/endpoints/scorer")).toEqual({ slug: "acme", permission: null });
    expect(pagePermission("/w/acme")).toEqual({ slug: "acme", permission: null });
    expect(pagePermission("/sign-in")).toBeNull();
    expect(pagePermission("/w/%E0%A4%A")).toBeNull();
  });
});
