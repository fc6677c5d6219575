import { describe, expect, it } from "vitest";
import { progressLine } from "./progress";

describe("progressLine", () => {
  it("shows status, percent, mini-batches, files, throughput and ETA, failures only when there are some", () => {
    const progress = {
      percent: 40,
      miniBatches: { total: 10, completed: 3, failed: 1, pending: 6 },
      files: { total: 100, completed: 38, failed: 2, pending: 60 },
      throughput: 12.5,
      etaSeconds: 75,
      elapsedSeconds: 3,
    };
    expect(progressLine({ status: "running", progress })).toBe(
      "running     40% | mini-batches 4/10 (1 failed) | files 40/100 (2 failed) | 12.5 files/s | ETA 1m15s",
    );
    expect(
      progressLine({
        status: "queued",
        progress: {
          ...progress,
          percent: 0,
          miniBatches: { total: 0, completed: 0, failed: 0, pending: 0 },
          files: { total: 0, completed: 0, failed: 0, pending: 0 },
          throughput: null,
          etaSeconds: null,
        },
      }),
    ).toBe("queued       0% | mini-batches 0/0 | files 0/0");
    expect(progressLine({ status: "queued" })).toBe("queued");
    expect(progressLine({ status: "running", progress, unit: "rows" })).toBe(
      "running     40% | mini-batches 4/10 (1 failed) | rows 40/100 (2 failed) | 12.5 rows/s | ETA 1m15s",
    );
  });
});
