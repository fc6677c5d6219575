import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { API_TYPES_FILE, generateApiTypes } from "@/scripts/gen-api-types";

describe("cli/src/api-types.ts", () => {
  // A hang guard, not an estimate: the generator (openapi-typescript, redocly) takes seconds on a busy machine.
  it("is what the generator writes from the OpenAPI document now (run `npm run gen:api-types`)", async () => {
    const generated = await generateApiTypes();
    expect(generated).toContain('"/jobs/{job}"');
    expect(generated).toMatch(/Job: \{/);
    // A plain comparison: the diff vitest prints is the change to commit.
    expect(readFileSync(API_TYPES_FILE, "utf8")).toBe(generated);
  }, 120_000);
});
