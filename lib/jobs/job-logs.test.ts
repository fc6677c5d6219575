import { describe, expect, it } from "vitest";
import { parseDataAssetRef } from "@/lib/data-assets/data-assets";
import { formatJobLogs, wholeLines } from "./job-logs";
import { refusedDataHost } from "./resolve-data-target";

describe("job logs", () => {
  it("keeps whole lines: a log cut to its tail drops its partial first line and says so", () => {
    expect(wholeLines("…tial line\nline 2\nline 3\n")).toEqual({ lines: ["line 2", "line 3"], truncated: true });
    expect(wholeLines("a\r\nb")).toEqual({ lines: ["a", "b"], truncated: false });
    expect(wholeLines(null)).toEqual({ lines: [], truncated: false });
  });
  it("prints a header, the lines and the traceback of each mini-batch", () => {
    const text = formatJobLogs([
      { index: 0, status: "completed", attempts: 1, error: null, traceback: null, lines: ["ok"], truncated: false, finishedAt: null },
      {
        index: 1,
        status: "failed",
        attempts: 2,
        error: "run() raised ValueError: x",
        traceback: "Traceback (most recent call last):\nValueError: x\n",
        lines: ["before"],
        truncated: true,
        finishedAt: null,
      },
    ]);
    expect(text).toBe(
      "=== mini-batch 0 (completed, attempt 1)\nok\n=== mini-batch 1 (failed, attempt 2): run() raised ValueError: x\n[earlier lines were cut to keep the last 64 KiB]\nbefore\n--- traceback of mini-batch 1\nTraceback (most recent call last):\nValueError: x\n",
    );
    expect(formatJobLogs([])).toBe("");
  });
});

describe("job inputs", () => {
  it("recognises data asset references and nothing else", () => {
    expect(parseDataAssetRef("azureml:heart-data@latest")).toEqual({ name: "heart-data", version: "latest" });
    expect(parseDataAssetRef("azureml:heart-data:2026.11")).toEqual({ name: "heart-data", version: "2026.11" });
    expect(parseDataAssetRef("azureml://datastores/workspaceblobstore/paths/x/")).toBeNull();
    expect(parseDataAssetRef("azureml:heart-data")).toBeNull();
  });
  it("refuses loopback, private and link-local blob hosts without looking them up", async () => {
    delete process.env.BATCHPOINT_WEBHOOK_ALLOW_PRIVATE;
    expect(await refusedDataHost(new URL("http://127.0.0.1:10000/devstoreaccount1"))).toMatch(/loopback/);
    expect(await refusedDataHost(new URL("http://localhost:10000/x"))).toMatch(/this machine/);
    expect(await refusedDataHost(new URL("http://169.254.169.254/metadata"))).toMatch(/link-local/);
    expect(await refusedDataHost(new URL("https://10.1.2.3/acct"))).toMatch(/private/);
  });
});
