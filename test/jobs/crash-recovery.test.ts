import { spawn, type ChildProcess } from "node:child_process";
import { afterAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { outputPrefix } from "@/lib/jobs/finalize-job";
import { startJob } from "@/lib/jobs/job-commands";
import { readBlobText } from "@/lib/storage";
import { deploymentFixture, PYTHON, uploadTexts, waitForJob } from "../support/jobs";

const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) {
    try {
      process.kill(-c.pid!, "SIGKILL");
    } catch {
      // already gone
    }
  }
});

/** Starts the functions server in its own process group; resolves once it is synced. */
function startServerProcess(): Promise<ChildProcess> {
  const child = spawn(process.execPath, ["--conditions=react-server", "--import", "tsx", "test/support/functions-process.ts"], {
    env: process.env,
    detached: true,
    stdio: ["ignore", "pipe", "inherit"],
  });
  children.push(child);
  return new Promise((resolve, reject) => {
    child.stdout!.on("data", (d: Buffer) => d.toString().includes("listening") && resolve(child));
    child.once("exit", (code) => reject(new Error(`functions process exited with ${code}`)));
  });
}

describe("a server killed mid-job", () => {
  it("finishes the job after a restart with no lost and no duplicated rows", async () => {
    const fx = await deploymentFixture({
      code: {
        files: {
          "score.py":
            "import os, time\ndef init(): pass\ndef run(batch):\n    time.sleep(0.3)\n    return [os.path.basename(p) for p in batch]\n",
        },
      },
      scoringScript: "score.py",
      interpreter: PYTHON,
      settings: { miniBatchSize: 2, instanceCount: 2 },
    });
    await uploadTexts(fx.target, "in/", 40);
    const first = await startServerProcess();
    const { job } = await startJob({
      workspaceId: fx.workspace.id,
      actor: fx.actor,
      endpointName: "scorer",
      input: { input: { type: "uri_folder", path: "datastores/workspaceblobstore/paths/in/" } },
    });
    for (;;) {
      const j = await db.job.findUniqueOrThrow({ where: { id: job.id } });
      if (j.miniBatchesCompleted >= 4) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    // Kill the server and its scoring workers at once, mid-job, as a crash would.
    process.kill(-first.pid!, "SIGKILL");
    await new Promise((r) => first.once("exit", r));
    const midway = await db.job.findUniqueOrThrow({ where: { id: job.id } });
    expect(midway.status).toBe("running");
    expect(midway.miniBatchesCompleted).toBeLessThan(20);

    await startServerProcess();
    const done = await waitForJob(job.id, ["completed", "failed", "canceled"], 120_000);
    expect(done).toMatchObject({ status: "completed", miniBatchesCompleted: 20, filesCompleted: 40, filesFailed: 0 });
    const lines = (await readBlobText(fx.target, outputPrefix(job.outputPath) + "predictions.csv")).trim().split("\n");
    expect(lines).toEqual(Array.from({ length: 40 }, (_, i) => `${String(i).padStart(3, "0")}.txt`));
  });
});
