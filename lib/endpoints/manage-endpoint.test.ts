import { describe, expect, it } from "vitest";
import { updateEndpointSchema } from "./manage-endpoint";

describe("updateEndpointSchema", () => {
  it("leaves tags out of an update that does not name them", () => {
    expect(updateEndpointSchema.parse({ description: "new" })).toEqual({ description: "new" });
  });
});
