import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FaultStack } from "./harness";

// Imported by a test file after it has started its fault stack and put the stack's environment in
// process.env, so lib/ reads this stack's database, storage and executor.
const { db } = await import("@/lib/db");
const { outputPrefix } = await import("@/lib/jobs/finalize-job");
const { startJob } = await import("@/lib/jobs/job-commands");
const { readBlobText, uploadBlob } = await import("@/lib/storage");
const { deploymentFixture, PYTHON } = await import("../support/jobs");

const FILES = 200;
const PER_BATCH = 4;
const names = Array.from({ length: FILES }, (_, i) => `${String(i).padStart(3, "0")}.txt`);
// 50 ms per file, as a real model would take: the job runs long enough to be hit mid-way.
const CODE =
  "import os, time\ndef init(): pass\ndef run(batch):\n    time.sleep(0.05 * len(batch))\n    return [os.path.basename(p) + ',' + open(p).read() for p in batch]\n";
const TERMINAL = ["completed", "completed_with_errors", "failed", "canceled"];

export type CrashCase = "app" | "executor" | "database" | "storage" | "all-mid-job" | "all-at-finalize";

/**
 * SIGKILL of each part of Batchpoint mid-job, then a restart: the job ends completed, with every input
 * row in the predictions file once, in input order. `cases` picks the kills a database kind runs.
 */
export function defineCrashSuite(stack: FaultStack, database: string, cases: CrashCase[]) {
  beforeAll(() => stack.startApp(), 300_000);
  afterAll(async () => stack.stop());
  console.log(`fault stack logs (${database}): ${stack.logDir}`);

  async function jobWithInputs() {
    // Retries cover a restart of storage (a few seconds of refused connections count as attempts).
    const fx = await deploymentFixture({
      code: { files: { "score.py": CODE } },
      scoringScript: "score.py",
      interpreter: PYTHON,
      settings: { miniBatchSize: PER_BATCH, instanceCount: 2, retrySettings: { maxRetries: 8, timeout: 60 } },
    });
    for (let i = 0; i < FILES; i += 20)
      await Promise.all(names.slice(i, i + 20).map((n, k) => uploadBlob(fx.target, `in/${n}`, `${i + k}`)));
    // The inputs and the deployment's files are durable before anything is killed (see storageCheckpoint).
    await stack.storageCheckpoint();
    const { job } = await startJob({
      workspaceId: fx.workspace.id,
      actor: fx.actor,
      endpointName: "scorer",
      input: { input: { type: "uri_folder", path: "datastores/workspaceblobstore/paths/in/" } },
    });
    return { ...fx, job };
  }

  // The job's row, or undefined while the database is unreachable (it is killed and restarted here).
  async function jobNow(jobId: string) {
    try {
      return await db.job.findUniqueOrThrow({ where: { id: jobId } });
    } catch (e) {
      if ((e as { name?: string }).name === "NotFoundError") throw e;
      return undefined;
    }
  }

  async function until(what: string, fn: () => Promise<boolean>, timeoutMs: number) {
    const deadline = Date.now() + timeoutMs;
    while (!(await fn())) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  const completedAtLeast = (jobId: string, n: number) => async () => ((await jobNow(jobId))?.miniBatchesCompleted ?? 0) >= n;

  /** The whole output, row by row: every input once, in input order, and the job's counts agree. */
  async function expectEveryRowOnce(fx: Awaited<ReturnType<typeof jobWithInputs>>) {
    let last: Awaited<ReturnType<typeof jobNow>>;
    try {
      await until("the job to end", async () => TERMINAL.includes((last = await jobNow(fx.job.id))?.status ?? ""), 240_000);
    } catch (e) {
      throw new Error(
        `${(e as Error).message}: it stayed ${last?.status} (${last?.miniBatchesCompleted} completed, ${last?.miniBatchesFailed} failed of ${last?.miniBatchesTotal}); logs in ${stack.logDir}`,
      );
    }
    expect(last).toMatchObject({ status: "completed", filesCompleted: FILES, filesFailed: 0, miniBatchesCompleted: FILES / PER_BATCH });
    const rows = (await readBlobText(fx.target, outputPrefix(fx.job.outputPath) + "predictions.csv")).split("\n").filter(Boolean);
    expect(rows).toEqual(names.map((n, i) => `${n},${i}`));
  }

  async function killAllThenRestart() {
    await Promise.all([stack.killApp(), stack.killExecutor(), stack.killStorage(), stack.killDatabase()]);
    await stack.startDatabase();
    await stack.startStorage();
    await stack.startExecutor();
    await stack.startApp();
  }

  const run = (c: CrashCase, name: string, fn: () => Promise<void>) => cases.includes(c) && it(name, fn);

  // A restart of a killed part, and the retries with backoff that bridge it, take longer than a minute on
  // a busy machine; the bound is only a hang guard (every wait inside is for an event or a state).
  // (At load 40 two of them passed 360 s; 600 s is the project's test guard.)
  describe.sequential(`SIGKILL of each part of Batchpoint mid-job on ${database}, then a restart: no row lost, none twice, in order`, {
    timeout: 600_000,
  }, () => {
    run("app", "the app (and its scoring workers)", async () => {
      const fx = await jobWithInputs();
      await until("a quarter of the job", completedAtLeast(fx.job.id, 12), 120_000);
      await stack.killApp();
      expect((await jobNow(fx.job.id))?.status).toBe("running");
      await stack.startApp();
      await expectEveryRowOnce(fx);
    });

    run("executor", "the executor's process (with its embedded database)", async () => {
      const fx = await jobWithInputs();
      await until("a quarter of the job", completedAtLeast(fx.job.id, 12), 120_000);
      await stack.killExecutor();
      await stack.startExecutor();
      await expectEveryRowOnce(fx);
    });

    run("database", "the app's database (its process SIGKILLed; on a shared PostgreSQL, every connection dropped)", async () => {
      const fx = await jobWithInputs();
      await until("a quarter of the job", completedAtLeast(fx.job.id, 12), 120_000);
      await stack.killDatabase();
      await stack.startDatabase();
      await expectEveryRowOnce(fx);
    });

    run("storage", "Azurite, which loses the blocks staged in its last moments", async () => {
      const fx = await jobWithInputs();
      await until("a third of the job", completedAtLeast(fx.job.id, 16), 120_000);
      await stack.killStorage();
      await stack.startStorage();
      await expectEveryRowOnce(fx);
    });

    run("all-mid-job", "all of them together, mid-job", async () => {
      const fx = await jobWithInputs();
      await until("a third of the job", completedAtLeast(fx.job.id, 16), 120_000);
      await killAllThenRestart();
      await expectEveryRowOnce(fx);
    });

    run("all-at-finalize", "all of them together, just as the last mini-batch is recorded (finalize's moment)", async () => {
      const fx = await jobWithInputs();
      await until("the last mini-batch", completedAtLeast(fx.job.id, FILES / PER_BATCH - 1), 120_000);
      await killAllThenRestart();
      await expectEveryRowOnce(fx);
    });
  });
}
