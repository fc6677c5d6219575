import { describe, expect, it } from "vitest";
import { deploymentSettingsSchema, looksSecret } from "./settings";

describe("deployment settings", () => {
  it("fills Azure's defaults", () => {
    expect(deploymentSettingsSchema.parse({})).toEqual({
      miniBatchSize: 10,
      instanceCount: 1,
      maxConcurrencyPerInstance: 1,
      retrySettings: { maxRetries: 3, timeout: 30 },
      errorThreshold: -1,
      outputAction: "append_row",
      outputFileName: "predictions.csv",
      loggingLevel: "info",
      environmentVariables: {},
      supportsExplanations: false,
      sandboxSettings: {},
    });
  });

  it("checks each sandbox setting's range and names it", () => {
    const r = deploymentSettingsSchema.safeParse({
      sandboxSettings: { memoryMiB: 16, processes: 1.5, cpuSeconds: 10_000_000, network: true },
    });
    expect(r.success).toBe(false);
    const byPath = Object.fromEntries((r.error?.issues ?? []).map((i) => [i.path.join("."), i.message]));
    expect(byPath["sandboxSettings.memoryMiB"]).toBe("Use at least 64 (MiB of memory per worker process).");
    expect(byPath["sandboxSettings.processes"]).toBe("Enter a whole number of processes and threads per worker.");
    expect(byPath["sandboxSettings.cpuSeconds"]).toBe("Use at most 604,800 (CPU seconds per run()).");
    expect(deploymentSettingsSchema.parse({ sandboxSettings: { allowNetwork: true, memoryMiB: 4096 } }).sandboxSettings).toEqual({
      allowNetwork: true,
      memoryMiB: 4096,
    });
  });

  it("names the field and the fix", () => {
    const r = deploymentSettingsSchema.safeParse({
      miniBatchSize: 0,
      retrySettings: { timeout: 0 },
      environmentVariables: { DATABASE_URL: "x" },
    });
    expect(r.success).toBe(false);
    const byPath = Object.fromEntries(r.error!.issues.map((i) => [i.path.join("."), i.message]));
    expect(byPath.miniBatchSize).toBe("Use at least 1 file per mini-batch.");
    expect(byPath["retrySettings.timeout"]).toBe("Use a timeout of at least 1 second.");
    expect(byPath["environmentVariables.DATABASE_URL"]).toBe("This name is reserved by the platform.");
  });

  it("recognises secret-looking names", () => {
    expect(looksSecret("OPENAI_API_KEY")).toBe(true);
    expect(looksSecret("MODEL_THRESHOLD")).toBe(false);
  });
});

describe("deployment settings patch", () => {
  it("fills in nothing, so an update changes only what it names", async () => {
    const { deploymentSettingsPatchSchema } = await import("./settings");
    expect(deploymentSettingsPatchSchema.parse({ instanceCount: 3 })).toEqual({ instanceCount: 3 });
    expect(deploymentSettingsPatchSchema.parse({ retrySettings: { timeout: 60 } })).toEqual({ retrySettings: { timeout: 60 } });
  });
});
