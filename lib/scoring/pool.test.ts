import { afterEach, describe, expect, it } from "vitest";
import { maxScoringWorkers, poolOptionsFromEnv, poolSize } from "./pool";

describe("poolSize", () => {
  it("is instance_count x max_concurrency_per_instance, capped by the machine", () => {
    expect(poolSize({ instanceCount: 2, maxConcurrencyPerInstance: 3 }, 16)).toBe(6);
    expect(poolSize({ instanceCount: 4, maxConcurrencyPerInstance: 4 }, 2)).toBe(2);
    expect(poolSize({ instanceCount: 0, maxConcurrencyPerInstance: 0 }, 8)).toBe(1);
  });
});

describe("maxScoringWorkers", () => {
  afterEach(() => {
    delete process.env.BATCHPOINT_MAX_SCORING_WORKERS;
  });

  it("defaults to the machine's parallelism and can be overridden", async () => {
    const os = await import("node:os");
    expect(maxScoringWorkers()).toBe(os.availableParallelism());
    process.env.BATCHPOINT_MAX_SCORING_WORKERS = "12";
    expect(maxScoringWorkers()).toBe(12);
    process.env.BATCHPOINT_MAX_SCORING_WORKERS = "zero";
    expect(maxScoringWorkers()).toBe(os.availableParallelism());
  });
});

describe("poolOptionsFromEnv", () => {
  it("reads the idle and init limits in seconds, leaving unset ones to the defaults", () => {
    expect(poolOptionsFromEnv({})).toEqual({ idleTimeoutMs: undefined, initTimeoutMs: undefined });
    expect(poolOptionsFromEnv({ BATCHPOINT_SCORING_IDLE_SECONDS: "0", BATCHPOINT_SCORING_INIT_TIMEOUT_SECONDS: "2.5" })).toEqual({
      idleTimeoutMs: 0,
      initTimeoutMs: 2500,
    });
  });

  it("names the variable that is wrong", () => {
    expect(() => poolOptionsFromEnv({ BATCHPOINT_SCORING_IDLE_SECONDS: "ten" })).toThrow(
      "BATCHPOINT_SCORING_IDLE_SECONDS must be a number of seconds (0 or more), not 'ten'.",
    );
  });
});
