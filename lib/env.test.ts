import { describe, expect, it } from "vitest";
import { EnvError, parseEnv } from "./env";

const valid = {
  DATABASE_URL: "postgres://u:supersecretpw@localhost:5432/db",
  AZURE_STORAGE_CONNECTION_STRING: "DefaultEndpointsProtocol=http;AccountName=a;AccountKey=k;",
  BATCHPOINT_SECRET_KEY: "a".repeat(64),
  NEXTAUTH_SECRET: "s".repeat(32),
};

describe("parseEnv", () => {
  it("defaults the scoring lanes' settings and refuses a step limit past Inngest's 1,000 steps per run", () => {
    expect(parseEnv(valid)).toMatchObject({
      BATCHPOINT_LANES: "on",
      BATCHPOINT_LANE_STEP_SECONDS: 30,
      BATCHPOINT_LANE_STEPS: 500,
      BATCHPOINT_LANE_LEASE_SECONDS: 60,
    });
    expect(parseEnv({ ...valid, BATCHPOINT_LANES: "off", BATCHPOINT_LANE_STEPS: "3" })).toMatchObject({
      BATCHPOINT_LANES: "off",
      BATCHPOINT_LANE_STEPS: 3,
    });
    const bad = () => parseEnv({ ...valid, BATCHPOINT_LANE_STEPS: "1000", BATCHPOINT_LANES: "yes" });
    expect(bad).toThrow(/BATCHPOINT_LANE_STEPS must be at most 990 steps/);
    expect(bad).toThrow(/BATCHPOINT_LANES must be 'on'/);
  });

  it("accepts a complete environment", () => {
    expect(parseEnv(valid).DATABASE_URL).toBe(valid.DATABASE_URL);
  });

  it("names each bad variable with its fix, without echoing secret values", () => {
    let error: unknown;
    try {
      parseEnv({ ...valid, DATABASE_URL: "mysql://u:supersecretpw@h/db", BATCHPOINT_SECRET_KEY: "short", GITHUB_ID: "x" });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(EnvError);
    const message = (error as Error).message;
    expect(message).toContain("DATABASE_URL must be a postgres://");
    expect(message).toContain("BATCHPOINT_SECRET_KEY must be 32 bytes");
    expect(message).toContain("GITHUB_ID and GITHUB_SECRET must be set together");
    expect(message).not.toContain("supersecretpw");
  });

  it("reports a missing required variable", () => {
    expect(() => parseEnv({ ...valid, NEXTAUTH_SECRET: undefined })).toThrow(/NEXTAUTH_SECRET is required/);
  });
});
