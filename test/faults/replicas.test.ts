import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POSTGRES_SERVER_URL, postgresReachable } from "../support/postgres-server";
import { startBalancer } from "./balancer";
import { type AppReplica, startFaultStack } from "./harness";

// Two app replicas serve the same functions as one app behind a round-robin load balancer (the URL
// they register with the executor), as a scaled-out deployment does; the job's lanes land on both.
// On PostgreSQL when one answers (real concurrency between the replicas' claims), else on PGlite.
// Lanes on, with 2-second steps and 5-second claims, so lanes move between replicas within a job.
const onPostgres = await postgresReachable();
const stack = await startFaultStack(
  { ...process.env, BATCHPOINT_LANES: "on", BATCHPOINT_LANE_STEP_SECONDS: "2", BATCHPOINT_LANE_LEASE_SECONDS: "5" },
  onPostgres ? { postgresUrl: POSTGRES_SERVER_URL } : {},
);
Object.assign(process.env, stack.env);
const { db } = await import("@/lib/db");
const { outputPrefix } = await import("@/lib/jobs/finalize-job");
const { startJob } = await import("@/lib/jobs/job-commands");
const { laneName } = await import("@/lib/jobs/lane-claims");
const { readBlobText, uploadBlob } = await import("@/lib/storage");
const { deploymentFixture, PYTHON, waitForJob } = await import("../support/jobs");

const FILES = 200;
const PER_BATCH = 4;
const names = Array.from({ length: FILES }, (_, i) => `${String(i).padStart(3, "0")}.txt`);
// 50 ms per file: the job runs long enough for its lanes to take several steps on both replicas.
const CODE =
  "import os, time\ndef init(): pass\ndef run(batch):\n    time.sleep(0.05 * len(batch))\n    return [os.path.basename(p) + ',' + open(p).read() for p in batch]\n";

const balancer = await startBalancer();
let replicas: AppReplica[] = [];
beforeAll(async () => {
  replicas = [await stack.startReplica("replica-a", balancer.origin), await stack.startReplica("replica-b", balancer.origin)];
  balancer.backends.push(...replicas.map((r) => new URL(r.url).origin));
}, 300_000);
afterAll(async () => {
  await stack.stop();
  await balancer.close();
});
console.log(`fault stack logs (replicas, ${onPostgres ? "PostgreSQL" : "PGlite"}): ${stack.logDir}`);

async function startScoringJob() {
  // Two lanes (instance_count 2); retries enough for a replica's death to cost an attempt.
  const fx = await deploymentFixture({
    code: { files: { "score.py": CODE } },
    scoringScript: "score.py",
    interpreter: PYTHON,
    settings: { miniBatchSize: PER_BATCH, instanceCount: 2, retrySettings: { maxRetries: 3, timeout: 60 } },
  });
  for (let i = 0; i < FILES; i += 20) await Promise.all(names.slice(i, i + 20).map((n, k) => uploadBlob(fx.target, `in/${n}`, `${i + k}`)));
  const { job } = await startJob({
    workspaceId: fx.workspace.id,
    actor: fx.actor,
    endpointName: "scorer",
    input: { input: { type: "uri_folder", path: "datastores/workspaceblobstore/paths/in/" } },
  });
  return { ...fx, job };
}

const laneCalls = (jobId: string) => balancer.calls.filter((c) => c.fnId.endsWith("score-lane") && c.jobId === jobId);

/** The job ended completed, every input row is in the predictions once, in input order, and the counts agree with the rows. */
async function expectEveryRowOnce(fx: Awaited<ReturnType<typeof startScoringJob>>) {
  const job = await waitForJob(fx.job.id);
  expect(job).toMatchObject({
    status: "completed",
    filesCompleted: FILES,
    filesFailed: 0,
    miniBatchesTotal: FILES / PER_BATCH,
    miniBatchesCompleted: FILES / PER_BATCH,
    miniBatchesFailed: 0,
  });
  const rows = (await readBlobText(fx.target, `${outputPrefix(fx.job.outputPath)}predictions.csv`)).split("\n").filter(Boolean);
  expect(rows).toEqual(names.map((n, i) => `${n},${i}`));
  const batches = await db.miniBatch.findMany({ where: { jobId: fx.job.id }, orderBy: { index: "asc" } });
  expect(batches.map((b) => [b.index, b.status, b.succeededCount, b.failedCount, b.claimedBy])).toEqual(
    batches.map((_, i) => [i, "completed", PER_BATCH, 0, null]),
  );
  // Each shows its attempt, duration and log, whichever replica scored it.
  expect(batches.filter((b) => !b.startedAt || !b.finishedAt || b.durationMs === null || b.attempts < 1)).toEqual([]);
  return batches;
}

describe.sequential("two app replicas serving one job's lanes behind a load balancer", { timeout: 600_000 }, () => {
  it("scores every mini-batch exactly once, with steps of the same lanes served by both replicas", async () => {
    const fx = await startScoringJob();
    const batches = await expectEveryRowOnce(fx);
    // Nothing died: no mini-batch was started twice.
    expect(batches.filter((b) => b.attempts !== 1).map((b) => [b.index, b.attempts])).toEqual([]);
    const calls = laneCalls(fx.job.id);
    expect(new Set(calls.map((c) => c.backend))).toEqual(new Set(balancer.backends));
    // Each lane's run went on, step after step, on both replicas (the balancer alternates a lane's calls).
    expect([0, 1].map((l) => [l, new Set(calls.filter((c) => c.lane === l).map((c) => c.backend)).size])).toEqual([
      [0, 2],
      [1, 2],
    ]);
  });

  it("loses nothing when a replica is SIGKILLed while its lane holds claims: the other replica scores them", async () => {
    const fx = await startScoringJob();
    const [, victim] = replicas;
    const victimOrigin = balancer.backends[1];
    // Wait for a lane step in flight on the victim whose lane holds unrecorded mini-batches.
    let lane: number | undefined;
    const deadline = Date.now() + 180_000;
    for (;;) {
      const inFlight = laneCalls(fx.job.id).filter((c) => c.backend === victimOrigin && !c.done && c.lane !== undefined);
      for (const c of inFlight) {
        const held = await db.miniBatch.count({
          where: { jobId: fx.job.id, claimedBy: laneName(fx.job.id, 0, c.lane as number), status: { in: ["pending", "running"] } },
        });
        if (held > 0) lane = c.lane;
      }
      if (lane !== undefined) break;
      if (Date.now() > deadline) throw new Error(`no lane step of the job held claims on the victim replica; logs in ${stack.logDir}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    await victim.kill();
    const callsAtKill = balancer.calls.length;
    const orphaned = await db.miniBatch.findMany({
      where: { jobId: fx.job.id, claimedBy: laneName(fx.job.id, 0, lane), status: { in: ["pending", "running"] } },
    });
    expect(orphaned.length).toBeGreaterThan(0);
    expect((await db.job.findUniqueOrThrow({ where: { id: fx.job.id } })).status).toBe("running");
    const batches = await expectEveryRowOnce(fx);
    // The dead replica's claims were taken over (by the lane's retried step or another lane) and scored again: the attempt counts.
    const after = new Map(batches.map((b) => [b.id, b]));
    expect(orphaned.map((o) => [o.index, (after.get(o.id)?.attempts ?? 0) > o.attempts])).toEqual(orphaned.map((o) => [o.index, true]));
    // Everything after the kill went to the surviving replica.
    const later = balancer.calls.slice(callsAtKill);
    expect(later.length).toBeGreaterThan(0);
    expect(later.filter((c) => c.backend === victimOrigin)).toEqual([]);
  });
});
