import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

// BATCHPOINT_LANES=off keeps one durable run per mini-batch (score-mini-batch): read once, at the first
// getEnv() of this file's process, so it is set before lib/ is imported.
vi.stubEnv("BATCHPOINT_LANES", "off");

import { db } from "@/lib/db";
import { outputPrefix } from "@/lib/jobs/finalize-job";
import { readBlobText } from "@/lib/storage";
import { startFunctionsServer } from "../support/functions-server";
import { deploymentFixture, PYTHON, startFolderJob, uploadTexts, waitForJob } from "../support/jobs";

let server: Awaited<ReturnType<typeof startFunctionsServer>>;
beforeAll(async () => {
  server = await startFunctionsServer();
});
afterAll(async () => {
  await server?.close();
  vi.unstubAllEnvs();
});

describe("with BATCHPOINT_LANES=off", () => {
  it("scores each mini-batch in a run of its own, retries a failed one, and shows its attempts", async () => {
    // The worker remembers which mini-batches it already failed once (the sandbox leaves no marks on the host);
    // one worker, so the retry meets the worker that failed it (with two, it failed again on the other: 3 attempts).
    const code = `
import os
failed_once = set()
def init(): pass
def run(batch):
    first = os.path.basename(batch[0])
    if first == "003.txt" and first not in failed_once:
        failed_once.add(first)
        raise RuntimeError("transient failure for " + first)
    return [os.path.basename(p) for p in batch]
`;
    const fx = await deploymentFixture({
      code: { files: { "score.py": code } },
      scoringScript: "score.py",
      interpreter: PYTHON,
      settings: { miniBatchSize: 3, instanceCount: 1 },
    });
    await uploadTexts(fx.target, "in/", 9);
    const { job } = await startFolderJob(fx);
    expect(await waitForJob(job.id)).toMatchObject({ status: "completed", filesCompleted: 9, filesFailed: 0, miniBatchesCompleted: 3 });
    const batches = await db.miniBatch.findMany({ where: { jobId: job.id }, orderBy: { index: "asc" } });
    expect(batches.map((b) => [b.status, b.attempts, b.claimedBy])).toEqual([
      ["completed", 1, null],
      ["completed", 2, null],
      ["completed", 1, null],
    ]);
    const out = await readBlobText(fx.target, `${outputPrefix(job.outputPath)}predictions.csv`);
    expect(out.trim().split("\n")).toEqual(Array.from({ length: 9 }, (_, i) => `${String(i).padStart(3, "0")}.txt`));
    // One score-mini-batch run per mini-batch, and no lane.
    const runs = await db.$queryRaw<{ function_id: string }[]>`
      SELECT function_id FROM executor.runs WHERE function_id LIKE '%score-%' AND event->'data'->>'jobId' = ${job.id}`;
    expect(runs.map((r) => r.function_id.replace(/^.*?(score-)/, "$1"))).toEqual([
      "score-mini-batch",
      "score-mini-batch",
      "score-mini-batch",
    ]);
  });
});
