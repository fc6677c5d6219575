import { describe, expect, it } from "vitest";
import { describeAction, describeDetails } from "./describe-audit";

describe("audit entries in words", () => {
  it("names known actions and falls back to the action's words", () => {
    expect(describeAction("token.revoked")).toBe("Revoked the API token");
    expect(describeAction("thing.frobbed_twice")).toBe("Thing frobbed twice");
  });
  it("writes details as phrases, never JSON", () => {
    expect(describeDetails("member.role_changed", { from: "reader", to: "contributor" })).toEqual(["from reader to contributor"]);
    expect(describeDetails("job.retry_failed", { miniBatches: 1, deploymentVersion: 2 })).toEqual([
      "1 mini-batch",
      "with deployment version 2",
    ]);
    expect(describeDetails("endpoint.updated", { defaultDeployment: "green", tags: { team: "risk" } })).toEqual([
      "default deployment green",
      "tags team=risk",
    ]);
    expect(describeDetails("something.new", { name: "x", sizeBytes: 12, nested: { a: 1 } })).toEqual(["size bytes: 12"]);
    expect(describeDetails("token.created", { name: "ci", role: "scientist" }).join(" ")).not.toMatch(/[{}"]/);
  });
});
