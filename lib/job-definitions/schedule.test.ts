import { describe, expect, it } from "vitest";
import { cronError, expandOutputPath, fieldsToCron, latestSlotAtOrBefore, nextRunAfter, scheduleFieldsSchema } from "./schedule";

describe("schedules", () => {
  it("converts DataRobot's field form to cron", () => {
    expect(fieldsToCron({ minute: [0], hour: [9, 1], dayOfMonth: ["*"], month: ["*"], dayOfWeek: [1, 2, 3, 4, 5] })).toBe(
      "0 1,9 * * 1,2,3,4,5",
    );
    expect(scheduleFieldsSchema.safeParse({ minute: [60], hour: ["*"], dayOfMonth: ["*"], month: ["*"], dayOfWeek: ["*"] }).success).toBe(
      false,
    );
    expect(
      scheduleFieldsSchema.safeParse({ minute: ["*", 1], hour: ["*"], dayOfMonth: ["*"], month: ["*"], dayOfWeek: ["*"] }).success,
    ).toBe(false);
    expect(
      scheduleFieldsSchema.safeParse({ minute: [0], hour: [0], dayOfMonth: ["*"], month: ["*"], dayOfWeek: ["*"], second: [0] }).success,
    ).toBe(false);
  });

  it("explains a bad cron expression", () => {
    expect(cronError("0 2 * * *")).toBeNull();
    expect(cronError("0 2 * *")).toMatch(/five fields/);
    expect(cronError("61 * * * *")).toMatch(/minute/);
    expect(cronError("0 0 31 2 *")).toMatch(/never fires/);
  });

  it("finds the next and the latest slot in the definition's time zone", () => {
    const at = new Date("2026-12-01T10:07:30Z");
    expect(nextRunAfter("*/5 * * * *", "UTC", at)?.toISOString()).toBe("2026-12-01T10:10:00.000Z");
    expect(latestSlotAtOrBefore("*/5 * * * *", "UTC", at)?.toISOString()).toBe("2026-12-01T10:05:00.000Z");
    expect(latestSlotAtOrBefore("*/5 * * * *", "UTC", new Date("2026-12-01T10:05:00Z"))?.toISOString()).toBe("2026-12-01T10:05:00.000Z");
    expect(nextRunAfter("0 9 * * *", "America/New_York", at)?.toISOString()).toBe("2026-12-01T14:00:00.000Z");
  });

  it("expands output placeholders in the definition's time zone", () => {
    const at = new Date("2026-12-01T23:30:00Z");
    expect(expandOutputPath("out/{date}/{time}/{definition}/{job}/", { at, timezone: "Europe/Berlin", definition: "nightly" })).toBe(
      "out/2026-12-02/0030/nightly/{job}/",
    );
    expect(expandOutputPath("out/{datetime}/", { at, timezone: "UTC", definition: "n" })).toBe("out/2026-12-01T2330/");
  });
});
