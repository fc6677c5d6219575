import { describe, expect, it } from "vitest";
import { DEFAULT_LIMITS, formatBytes, sandboxLimits, sandboxMode } from "./sandbox";

describe("sandboxMode", () => {
  it("is on unless the operator says off, and refuses anything else", () => {
    expect(sandboxMode({})).toBe("on");
    expect(sandboxMode({ BATCHPOINT_SANDBOX: "on" })).toBe("on");
    expect(sandboxMode({ BATCHPOINT_SANDBOX: "off" })).toBe("off");
    expect(() => sandboxMode({ BATCHPOINT_SANDBOX: "maybe" })).toThrow("BATCHPOINT_SANDBOX must be 'on' or 'off', not 'maybe'.");
  });
});

describe("sandboxLimits", () => {
  it("takes the deployment's settings over the defaults", () => {
    expect(sandboxLimits({})).toEqual(DEFAULT_LIMITS);
    expect(sandboxLimits({ memoryMiB: 512, processes: 8, fileSizeMiB: 1, cpuSeconds: 5, openFiles: 64 })).toEqual({
      memoryBytes: 512 * 1024 * 1024,
      processes: 8,
      fileSizeBytes: 1024 * 1024,
      cpuSeconds: 5,
      openFiles: 64,
    });
  });

  it("names the bad setting", () => {
    expect(() => sandboxLimits({ memoryMiB: -1 })).toThrow("sandbox.memoryMiB must be a positive whole number, not -1.");
    expect(() => sandboxLimits({ processes: 1.5 })).toThrow("sandbox.processes must be a positive whole number, not 1.5.");
  });
});

describe("formatBytes", () => {
  it("writes limits the way the errors show them", () => {
    expect(formatBytes(2 * 1024 ** 3)).toBe("2 GiB");
    expect(formatBytes(256 * 1024 ** 2)).toBe("256 MiB");
    expect(formatBytes(1536 * 1024)).toBe("1.5 MiB");
    expect(formatBytes(10)).toBe("10 bytes");
  });
});

describe("sandboxSettingsSchema", () => {
  it("takes the known settings and names an unknown or bad one", async () => {
    const { sandboxSettingsSchema, sandboxSettingsOf } = await import("./sandbox");
    expect(sandboxSettingsSchema.parse({ allowNetwork: true, memoryMiB: 4096 })).toEqual({ allowNetwork: true, memoryMiB: 4096 });
    const unknown = sandboxSettingsSchema.safeParse({ network: true });
    expect(unknown.success).toBe(false);
    expect(unknown.error?.issues[0]).toMatchObject({ code: "unrecognized_keys", keys: ["network"] });
    const bad = sandboxSettingsSchema.safeParse({ processes: 0 });
    expect(bad.error?.issues[0]).toMatchObject({ path: ["processes"], message: "Use at least 8 (processes and threads per worker)." });
    expect(sandboxSettingsOf({ memoryMiB: "lots" })).toEqual({});
  });
});

describe("allocateWorkerUid", () => {
  it("gives each live worker its own uid above the base, reuses released ones, and names a bad base", async () => {
    const { allocateWorkerUid, releaseWorkerUid, WORKER_UID_BASE } = await import("./sandbox");
    const uids = Array.from({ length: 50 }, () => allocateWorkerUid({}));
    expect(new Set(uids).size).toBe(50);
    for (const u of uids) expect(u).toBeGreaterThanOrEqual(WORKER_UID_BASE);
    for (const u of uids) releaseWorkerUid(u);
    expect(allocateWorkerUid({ BATCHPOINT_SANDBOX_UID_BASE: "3000000" })).toBeGreaterThanOrEqual(3_000_000);
    expect(() => allocateWorkerUid({ BATCHPOINT_SANDBOX_UID_BASE: "0" })).toThrow(
      "BATCHPOINT_SANDBOX_UID_BASE must be a whole number from 1000 to",
    );
  });
});
