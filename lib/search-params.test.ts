import { describe, expect, it } from "vitest";
import { z } from "zod";
import { parseSearchParams } from "./search-params";

const schema = z.object({ page: z.coerce.number().int().min(1).default(1), status: z.enum(["a", "b"]).optional() });

describe("parseSearchParams", () => {
  it("keeps valid values and drops only invalid ones", () => {
    expect(parseSearchParams(schema, { page: "3", status: "zzz" })).toEqual({ page: 3 });
    expect(parseSearchParams(schema, { page: "-1", status: "b" })).toEqual({ page: 1, status: "b" });
  });
  it("takes the first of repeated params", () => {
    expect(parseSearchParams(schema, { page: ["2", "5"] })).toEqual({ page: 2 });
  });
});
