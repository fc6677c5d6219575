import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

// Lanes on (the default; stated so that BATCHPOINT_LANES=off in the shell does not turn this file off), with
// short steps and runs for the re-spawn test (read once, at the first getEnv() of this file's process).
vi.stubEnv("BATCHPOINT_LANES", "on");
vi.stubEnv("BATCHPOINT_LANE_STEP_SECONDS", "1");
vi.stubEnv("BATCHPOINT_LANE_STEPS", "3");

import { db } from "@/lib/db";
import { finalizeJob, outputPrefix } from "@/lib/jobs/finalize-job";
import { startJob } from "@/lib/jobs/job-commands";
import { invokeJob } from "@/lib/jobs/invoke-job";
import { claimMiniBatches, laneName, recordOutcomes } from "@/lib/jobs/lane-claims";
import { planJob } from "@/lib/jobs/plan-job";
import { readJobSettings } from "@/lib/jobs/job-snapshot";
import { runLaneStep } from "@/lib/jobs/score-lane";
import { getScoringPools } from "@/lib/scoring";
import { readBlobText } from "@/lib/storage";
import { startFunctionsServer } from "../support/functions-server";
import { deploymentFixture, PYTHON, uploadTexts, waitForJob } from "../support/jobs";

const NAMES = "import os\ndef init(): pass\ndef run(batch):\n    return [os.path.basename(p) for p in batch]\n";
const folder = { input: { type: "uri_folder" as const, path: "datastores/workspaceblobstore/paths/in/" } };

let server: Awaited<ReturnType<typeof startFunctionsServer>>;
beforeAll(async () => {
  server = await startFunctionsServer();
});
afterAll(async () => {
  await server?.close();
  vi.unstubAllEnvs();
});

/** A job planned into `files` one-file mini-batches and left running, with no lane started: the test drives the lanes. */
async function plannedJob(files: number, settings: Record<string, unknown> = {}, script = NAMES) {
  const fx = await deploymentFixture({
    code: { files: { "score.py": script } },
    scoringScript: "score.py",
    interpreter: PYTHON,
    settings: { miniBatchSize: 1, instanceCount: 2, ...settings },
  });
  await uploadTexts(fx.target, "in/", files);
  const { job } = await invokeJob({ workspaceId: fx.workspace.id, actor: fx.actor, endpointName: "scorer", input: folder });
  const plan = await planJob({ jobId: job.id });
  expect(plan).toMatchObject({ ok: true, miniBatches: files });
  return { ...fx, job };
}

const names = (n: number) => Array.from({ length: n }, (_, i) => `${String(i).padStart(3, "0")}.txt`);
const lane = (jobId: string, n: number, extra: Partial<Parameters<typeof runLaneStep>[0]> = {}) =>
  runLaneStep({ jobId, generation: 0, lane: n, stepMs: 120_000, leaseMs: 60_000, ...extra });

describe("scoring lanes", () => {
  it("gives lanes claiming at the same moment different mini-batches (SKIP LOCKED), each at most once", async () => {
    const { job } = await plannedJob(12);
    const claims = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        claimMiniBatches({ jobId: job.id, laneId: laneName(job.id, 0, i), generation: 0, limit: 3, leaseMs: 60_000 }),
      ),
    );
    const ids = claims.flat().map((c) => c.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.length).toBeLessThanOrEqual(12);
    expect(ids.length).toBeGreaterThan(0);
    // Claimed rows are held: another lane gets only what is left, and none of the claimed ones.
    const rest = await claimMiniBatches({ jobId: job.id, laneId: laneName(job.id, 0, 9), generation: 0, limit: 12, leaseMs: 60_000 });
    expect(rest.length).toBe(12 - ids.length);
    expect(rest.filter((c) => ids.includes(c.id))).toEqual([]);
  });

  it("scores every mini-batch once when two lanes race through one job, and finalizes it once when both finish at the same time", async () => {
    const fx = await plannedJob(16);
    const [a, b] = await Promise.all([lane(fx.job.id, 0), lane(fx.job.id, 1)]);
    expect(a.scored + b.scored).toBe(16);
    // Both say the job is done (the same job.finished event id), so a lost follow-up of one is covered by the other.
    expect([a, b].map((r) => [r.state, r.followUp?.jobDone])).toEqual([
      ["done", true],
      ["done", true],
    ]);
    const rows = await db.miniBatch.findMany({ where: { jobId: fx.job.id }, orderBy: { index: "asc" } });
    expect(rows.map((r) => [r.status, r.attempts, r.succeededCount, r.claimedBy])).toEqual(rows.map(() => ["completed", 1, 1, null]));
    expect(rows.every((r) => r.startedAt && r.finishedAt && r.durationMs !== null)).toBe(true);
    expect(await db.job.findUniqueOrThrow({ where: { id: fx.job.id } })).toMatchObject({
      miniBatchesCompleted: 16,
      miniBatchesFailed: 0,
      filesCompleted: 16,
    });
    const both = await Promise.all([
      finalizeJob({ jobId: fx.job.id, reason: "completed" }),
      finalizeJob({ jobId: fx.job.id, reason: "completed" }),
    ]);
    expect(both.filter((r) => r.finalized)).toHaveLength(1);
    expect(await db.job.findUniqueOrThrow({ where: { id: fx.job.id } })).toMatchObject({ status: "completed" });
    // A later finalize (a re-delivery) changes nothing.
    expect(await finalizeJob({ jobId: fx.job.id, reason: "completed" })).toMatchObject({ finalized: false });
    const out = await readBlobText(fx.target, `${outputPrefix(fx.job.outputPath)}predictions.csv`);
    expect(out.trim().split("\n")).toEqual(names(16));
  });

  it("takes over the claims of a lane that died once they expire, and refuses the dead lane's late record", async () => {
    const fx = await plannedJob(6);
    const ghost = laneName(fx.job.id, 0, 7);
    const held = await claimMiniBatches({ jobId: fx.job.id, laneId: ghost, generation: 0, limit: 2, leaseMs: 1500 });
    expect(held.map((c) => c.index)).toEqual([0, 1]);
    // A live lane scores the rest, then waits for the expired claims and scores them too.
    const r = await lane(fx.job.id, 0);
    expect(r).toMatchObject({ state: "done", scored: 6, followUp: { jobDone: true } });
    const rows = await db.miniBatch.findMany({ where: { jobId: fx.job.id }, orderBy: { index: "asc" } });
    expect(rows.map((x) => x.status)).toEqual(rows.map(() => "completed"));
    // The dead lane's attempt counts: the two it held were started twice.
    expect(rows.map((x) => x.attempts)).toEqual([2, 2, 1, 1, 1, 1]);
    const late = await recordOutcomes({
      jobId: fx.job.id,
      laneId: ghost,
      generation: 0,
      outcomes: [
        {
          id: held[0].id,
          startedAt: Date.now(),
          kind: "final",
          outcome: { status: "failed", succeeded: 0, failed: 1, durationMs: 1, error: "late" },
        },
      ],
    });
    expect(late.moved).toBe(0);
    expect(await db.job.findUniqueOrThrow({ where: { id: fx.job.id } })).toMatchObject({ filesCompleted: 6, filesFailed: 0 });
    expect(await db.miniBatch.findUniqueOrThrow({ where: { id: held[0].id } })).toMatchObject({ status: "completed", error: null });
  });

  it("stops claiming when the job is canceled, and leaves no claim behind", async () => {
    const fx = await plannedJob(8);
    await db.job.update({ where: { id: fx.job.id }, data: { cancelRequestedAt: new Date() } });
    const r = await lane(fx.job.id, 0);
    expect(r).toMatchObject({ state: "over", scored: 0 });
    expect(await db.miniBatch.count({ where: { jobId: fx.job.id, OR: [{ claimedBy: { not: null } }, { attempts: { gt: 0 } }] } })).toBe(0);
  });

  it("shows a slow mini-batch running while it scores, with the time its attempt began", async () => {
    const slowRun = "import os, time\ndef run(batch):\n    time.sleep(0.6)\n    return [os.path.basename(p) for p in batch]\n";
    const { job } = await plannedJob(2, { instanceCount: 1 }, slowRun);
    const scoring = lane(job.id, 0);
    const seen = await vi.waitFor(
      async () => {
        const r = await db.miniBatch.findFirst({ where: { jobId: job.id, status: "running" } });
        if (!r) throw new Error("no mini-batch shown running yet");
        return r;
      },
      { timeout: 60_000, interval: 50 },
    );
    expect(seen.startedAt).not.toBeNull();
    expect(await scoring).toMatchObject({ state: "done", scored: 2 });
    const rows = await db.miniBatch.findMany({ where: { jobId: job.id }, orderBy: { index: "asc" } });
    expect(rows.map((r) => r.status)).toEqual(["completed", "completed"]);
    for (const r of rows) {
      // Started before run() began (finish minus time inside run()), not when the lane showed it running.
      const runBegan = (r.finishedAt as Date).getTime() - (r.durationMs as number);
      expect((r.startedAt as Date).getTime()).toBeLessThanOrEqual(runBegan);
    }
    expect(rows.find((r) => r.id === seen.id)?.startedAt).toEqual(seen.startedAt);
  });

  it("starts the deployment's workers while the job is planned, so its first mini-batch does not wait for init()", async () => {
    const slowInit =
      "import os, time\ndef init():\n    time.sleep(1.5)\ndef run(batch):\n    return [os.path.basename(p) for p in batch]\n";
    const { job } = await plannedJob(2, {}, slowInit);
    // Planned, no mini-batch claimed yet, and the deployment's two workers are already starting (or up).
    const deploymentId = readJobSettings(await db.job.findUniqueOrThrow({ where: { id: job.id } })).deployment.id;
    const pool = () =>
      getScoringPools()
        .stats()
        .find((p) => p.key.startsWith(deploymentId));
    expect(pool()).toMatchObject({ workers: 2, busy: 0 });
    expect(await db.miniBatch.count({ where: { jobId: job.id, attempts: { gt: 0 } } })).toBe(0);
    await expect.poll(() => pool()?.starting, { timeout: 60_000 }).toBe(0);
    expect(await lane(job.id, 0)).toMatchObject({ state: "done", scored: 2 });
    const rows = await db.miniBatch.findMany({ where: { jobId: job.id }, orderBy: { index: "asc" } });
    // Without the warm start the first one would have waited the 1.5 s of init() (its queuedMs).
    expect(rows.map((r) => [r.status, (r.queuedMs ?? 0) < 1500])).toEqual([
      ["completed", true],
      ["completed", true],
    ]);
  });

  it("stops the workers started for a job's own variables when its planning fails for good, and keeps them when it plans", async () => {
    const fx = await deploymentFixture({
      code: { files: { "score.py": NAMES } },
      scoringScript: "score.py",
      interpreter: PYTHON,
      settings: { miniBatchSize: 1 },
    });
    const own = { environmentVariables: { REGION: "eu-west" } }; // a job's own variables: its workers are its own
    const scoped = (jobId: string) =>
      getScoringPools()
        .stats()
        .filter((p) => p.key.endsWith(`:job:${jobId}`));
    const nothing = { input: { type: "uri_folder" as const, path: "datastores/workspaceblobstore/paths/nothing-here/" } };
    const bad = await invokeJob({ workspaceId: fx.workspace.id, actor: fx.actor, endpointName: "scorer", input: { ...nothing, ...own } });
    expect(await planJob({ jobId: bad.job.id })).toMatchObject({ ok: false });
    expect(scoped(bad.job.id)).toEqual([]);
    await uploadTexts(fx.target, "in/", 1);
    const good = await invokeJob({ workspaceId: fx.workspace.id, actor: fx.actor, endpointName: "scorer", input: { ...folder, ...own } });
    expect(await planJob({ jobId: good.job.id })).toMatchObject({ ok: true, miniBatches: 1 });
    expect(scoped(good.job.id)).toMatchObject([{ workers: 1 }]);
    await getScoringPools().closeScope(good.job.id);
  });

  it("re-spawns a lane before its run reaches the step limit, and the job still scores every file once, in order", async () => {
    // One worker, so one lane; 1-second steps and 3 steps per run (set above): the job outlives several runs of the lane.
    const fx = await deploymentFixture({
      code: {
        files: { "score.py": "import os, time\ndef run(batch):\n    time.sleep(0.15)\n    return [os.path.basename(p) for p in batch]\n" },
      },
      scoringScript: "score.py",
      interpreter: PYTHON,
      settings: { miniBatchSize: 1, instanceCount: 1 },
    });
    await uploadTexts(fx.target, "in/", 30);
    const { job } = await startJob({ workspaceId: fx.workspace.id, actor: fx.actor, endpointName: "scorer", input: folder });
    expect(await waitForJob(job.id)).toMatchObject({ status: "completed", filesCompleted: 30, filesFailed: 0, miniBatchesCompleted: 30 });
    const runs = await db.$queryRaw<{ spawn: number; status: string }[]>`
      SELECT (event->'data'->>'spawn')::int AS spawn, status FROM executor.runs
      WHERE function_id LIKE '%score-lane' AND event->'data'->>'jobId' = ${job.id} ORDER BY 1`;
    expect(runs.length).toBeGreaterThanOrEqual(3);
    expect(runs.map((r) => r.spawn)).toEqual(runs.map((_, i) => i));
    expect(runs.every((r) => r.status === "Completed")).toBe(true);
    const rows = await db.miniBatch.findMany({ where: { jobId: job.id } });
    expect(rows.every((r) => r.status === "completed" && r.attempts === 1)).toBe(true);
    const out = await readBlobText(fx.target, `${outputPrefix(job.outputPath)}predictions.csv`);
    expect(out.trim().split("\n")).toEqual(names(30));
  });
});
