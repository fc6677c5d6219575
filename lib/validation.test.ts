import { describe, expect, it } from "vitest";
import { resourceNameSchema } from "./validation";
import { parseTags } from "./endpoints/create-endpoint";

describe("resource names (Azure's rule)", () => {
  it.each(["abc", "fraud-scorer", "A1-b2", "a".repeat(32)])("accepts %s", (n) => {
    expect(resourceNameSchema.safeParse(n).success).toBe(true);
  });
  it.each(["ab", "1abc", "-abc", "has space", "under_score", "a".repeat(33), ""])("refuses %j with the rule in the message", (n) => {
    const r = resourceNameSchema.safeParse(n);
    expect(r.success).toBe(false);
    expect(r.error?.issues[0].message).toBe("Use 3-32 characters: letters, digits and dashes, starting with a letter.");
  });
});

describe("parseTags", () => {
  it("reads key=value pairs and bare keys", () => {
    expect(parseTags(" team=fraud, tier = gold ,experimental,")).toEqual({ team: "fraud", tier: "gold", experimental: "" });
  });
});
