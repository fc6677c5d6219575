import { describe, expect, it } from "vitest";
import { humanMessage } from "./human-message";

describe("humanMessage", () => {
  it("keeps messages written for a person", () => {
    expect(humanMessage("Mini-batch size", "Use at least 1 file per mini-batch.")).toBe("Use at least 1 file per mini-batch.");
  });
  it("rewrites zod's built-in messages, preferring the field's own sentence", () => {
    expect(humanMessage("Scoring script", "Too small: expected string to have >=1 characters")).toBe("Enter the scoring script.");
    expect(humanMessage("Scoring script", "Too small: expected string to have >=1 characters", "Pick the script.")).toBe(
      "Pick the script.",
    );
    expect(humanMessage("Name", "Invalid input: expected string, received number")).toMatch(/^Check the name/);
  });
});
