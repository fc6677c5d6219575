import { describe, expect, it } from "vitest";
import { parseEnv } from "@/lib/env";
import { DUMMY_HASH, passwordHashCost } from "./password";

describe("password hashing cost", () => {
  it("defaults to bcrypt cost 11, and the dummy hash of missing accounts is at that cost", () => {
    expect(passwordHashCost({})).toBe(11);
    expect(DUMMY_HASH.startsWith("$2b$11$")).toBe(true);
  });

  it("takes BATCHPOINT_PASSWORD_HASH_COST from 4 to 15 and refuses anything else, naming the variable and the range", () => {
    expect(passwordHashCost({ BATCHPOINT_PASSWORD_HASH_COST: "4" })).toBe(4);
    expect(passwordHashCost({ BATCHPOINT_PASSWORD_HASH_COST: "15" })).toBe(15);
    expect(() => passwordHashCost({ BATCHPOINT_PASSWORD_HASH_COST: "3" })).toThrow(/BATCHPOINT_PASSWORD_HASH_COST must be at least 4/);
    expect(() => passwordHashCost({ BATCHPOINT_PASSWORD_HASH_COST: "16" })).toThrow(/BATCHPOINT_PASSWORD_HASH_COST must be at most 15/);
    expect(() => passwordHashCost({ BATCHPOINT_PASSWORD_HASH_COST: "low" })).toThrow(
      /BATCHPOINT_PASSWORD_HASH_COST must be a bcrypt cost factor/,
    );
    expect(() => passwordHashCost({ BATCHPOINT_PASSWORD_HASH_COST: "10.5" })).toThrow(/must be a whole number from 4 to 15/);
  });

  it("is checked with the rest of the environment at server start", () => {
    const valid = {
      DATABASE_URL: "postgres://u:p@localhost:5432/db",
      AZURE_STORAGE_CONNECTION_STRING: "DefaultEndpointsProtocol=http;AccountName=a;AccountKey=k;",
      BATCHPOINT_SECRET_KEY: "a".repeat(64),
      NEXTAUTH_SECRET: "s".repeat(32),
    };
    expect(parseEnv(valid).BATCHPOINT_PASSWORD_HASH_COST).toBe(11);
    expect(() => parseEnv({ ...valid, BATCHPOINT_PASSWORD_HASH_COST: "2" })).toThrow(/BATCHPOINT_PASSWORD_HASH_COST must be at least 4/);
  });
});
