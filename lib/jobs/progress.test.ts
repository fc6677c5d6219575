import { describe, expect, it } from "vitest";
import { jobProgress } from "./progress";

const base = {
  status: "running",
  miniBatchesTotal: 10,
  miniBatchesCompleted: 4,
  miniBatchesFailed: 1,
  filesTotal: 100,
  filesCompleted: 40,
  filesFailed: 10,
  finishedAt: null,
};

describe("jobProgress", () => {
  it("derives percent, throughput and ETA from counters and elapsed time", () => {
    const now = new Date("2026-01-01T00:01:40Z");
    const p = jobProgress({ ...base, startedAt: new Date("2026-01-01T00:00:00Z") }, now);
    expect(p).toMatchObject({ percent: 50, throughput: 0.5, etaSeconds: 100, elapsedSeconds: 100 });
    expect(p.miniBatches).toEqual({ total: 10, completed: 4, failed: 1, pending: 5 });
    expect(p.files.pending).toBe(50);
  });

  it("has no ETA before anything finished, and none after the job ended", () => {
    expect(jobProgress({ ...base, filesCompleted: 0, filesFailed: 0, startedAt: new Date() }).etaSeconds).toBeNull();
    expect(jobProgress({ ...base, status: "completed", startedAt: new Date(0), finishedAt: new Date(1000) })).toMatchObject({
      percent: 100,
      etaSeconds: null,
    });
  });
});
