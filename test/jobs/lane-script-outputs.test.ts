import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

// Lanes on (the default), stated so that BATCHPOINT_LANES=off in the shell does not turn this file off.
vi.stubEnv("BATCHPOINT_LANES", "on");

import { db } from "@/lib/db";
import { outputPrefix } from "@/lib/jobs/finalize-job";
import { findJobOutputs } from "@/lib/jobs/script-outputs";
import { blobExists } from "@/lib/storage";
import { startFunctionsServer } from "../support/functions-server";
import { deploymentFixture, PYTHON, startFolderJob, uploadTexts, waitForJob } from "../support/jobs";

// The first call writes a file and returns two results for one input (refused, so retried); the retry writes nothing.
const STRAY = `import os
calls = 0
def init(): pass
def run(batch):
    global calls
    calls += 1
    if calls == 1:
        with open(os.path.join(os.environ["AZUREML_BI_OUTPUT_PATH"], "stray.txt"), "w") as f:
            f.write("from the first attempt")
        return ["a", "b"]
    return [os.path.basename(p) for p in batch]
`;

let server: Awaited<ReturnType<typeof startFunctionsServer>>;
beforeAll(async () => {
  server = await startFunctionsServer();
});
afterAll(async () => {
  await server?.close();
  vi.unstubAllEnvs();
});

describe("a lane's retried mini-batch", () => {
  it("drops the files its earlier attempt published when the retry writes none (the claim says there were some)", async () => {
    // One worker: the retry meets the worker that counted the first call.
    const fx = await deploymentFixture({
      code: { files: { "score.py": STRAY } },
      scoringScript: "score.py",
      interpreter: PYTHON,
      settings: { miniBatchSize: 1, instanceCount: 1 },
    });
    await uploadTexts(fx.target, "in/", 1);
    const { job } = await startFolderJob(fx);
    expect(await waitForJob(job.id)).toMatchObject({ status: "completed", filesCompleted: 1, filesFailed: 0 });
    const [mb] = await db.miniBatch.findMany({ where: { jobId: job.id } });
    expect(mb).toMatchObject({ status: "completed", attempts: 2 });
    const outputs = await findJobOutputs({ workspaceId: fx.workspace.id, name: job.name });
    expect(outputs.data.filter((f) => f.kind === "script")).toEqual([]);
    expect(await blobExists(fx.target, `${outputPrefix(job.outputPath)}stray.txt`)).toBe(false);
  });
});
