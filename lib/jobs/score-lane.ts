import "server-only";
import { db } from "@/lib/db";
import { logError } from "@/lib/log";
import type { RecordedState } from "./job-events";
import { type JobSettings, readJobSettings } from "./job-snapshot";
import {
  type ClaimedMiniBatch,
  claimMiniBatches,
  type LaneOutcome,
  laneName,
  laneOutlook,
  markClaimRunning,
  recordOutcomes,
  releaseClaims,
  renewClaims,
} from "./lane-claims";
import { attemptMiniBatch, failJobForInit, type ScoringJob, type ScoringMiniBatch } from "./score-mini-batch";
import { primeJobSecrets } from "./sources/job-secrets";

/** About this much scoring per claim: K adapts to the lane's measured pace. */
const CLAIM_TARGET_MS = 1000;
const MAX_CLAIM = 64;
/** Mini-batches of a lane in flight at once: one scoring, the next one's inputs downloading (the pool queues it for a worker). */
const LANE_DEPTH = 2;
/** A mini-batch still scoring after this long is shown running (faster ones go from pending to their outcome). */
const SHOW_RUNNING_AFTER_MS = 200;
/** How long an idle lane waits before it looks again (retries backing off, claims of other lanes that may expire). */
const IDLE_WAIT_MS = 2000;

export interface LaneStepResult {
  /** working: more to do, run another step; done: nothing left unrecorded; over: the job stopped or moved to another generation */
  state: "working" | "done" | "over";
  scored: number;
  claims: number;
  /** the lane's pace, for the next step's first claim */
  msPerMiniBatch: number | null;
  /** set when this step's records stopped or finished the job: the caller sends the follow-up events */
  followUp: RecordedState | null;
}

/** As the executor backs off a retried step: 1 s, doubling, at most a minute. */
function retryBackoffMs(attempts: number) {
  return Math.min(60_000, 1000 * 2 ** Math.max(0, attempts - 1));
}

/**
 * One bounded step of a scoring lane (docs/decisions/0023): claims about a second of the job's
 * pending mini-batches at a time, scores them one after another on the deployment's warm pool, and
 * records each claim's outcomes in one statement, until `stepMs` has passed, nothing is left, or
 * the job stops. A mini-batch is retried (attempts, max_retries) by being put back to pending with a
 * backoff; claims are renewed while the lane lives, so only a dead lane's claims expire.
 */
export async function runLaneStep(opts: {
  jobId: string;
  generation: number;
  lane: number;
  stepMs: number;
  leaseMs: number;
  msPerMiniBatch?: number | null;
}): Promise<LaneStepResult> {
  const laneId = laneName(opts.jobId, opts.generation, opts.lane);
  const started = Date.now();
  const deadline = started + opts.stepMs;
  const result: LaneStepResult = { state: "working", scored: 0, claims: 0, msPerMiniBatch: opts.msPerMiniBatch ?? null, followUp: null };
  // The job and its sealed secrets in one query: the lane's first mini-batch needs both, and each Prisma
  // query is a few ms on the way from invoke to the first run() (issue 13).
  const row = await db.job.findUnique({ where: { id: opts.jobId }, omit: { secretsCiphertext: false } });
  if (!row || row.status !== "running" || row.cancelRequestedAt || row.retryGeneration !== opts.generation)
    return { ...result, state: "over" };
  const { secretsCiphertext, ...job } = row;
  primeJobSecrets(job.id, secretsCiphertext);
  const settings = readJobSettings(job);
  const renew = setInterval(
    () =>
      void renewClaims({ jobId: job.id, laneId, leaseMs: opts.leaseMs }).catch((e) => logError(`lane ${laneId}: renewing its claims`, e)),
    Math.max(500, opts.leaseMs / 3),
  );
  renew.unref();
  try {
    while (Date.now() < deadline) {
      const pace = result.msPerMiniBatch;
      const left = deadline - Date.now();
      const k = pace ? Math.max(1, Math.min(MAX_CLAIM, Math.round(CLAIM_TARGET_MS / Math.max(pace, 1)), Math.floor(left / pace))) : 1;
      const claimed = await claimMiniBatches({ jobId: job.id, laneId, generation: opts.generation, limit: k, leaseMs: opts.leaseMs });
      if (!claimed.length) {
        const outlook = await laneOutlook({ jobId: job.id, generation: opts.generation });
        if (!outlook.open) return { ...result, state: "over" };
        // Every lane that finds nothing left says the job is done (one event id): a record whose follow-up was lost is covered.
        if (outlook.unrecorded === 0)
          return {
            ...result,
            state: "done",
            followUp: result.followUp ?? { jobDone: true, thresholdCrossed: false, generation: opts.generation },
          };
        const wait = Math.min(IDLE_WAIT_MS, Math.max(50, (outlook.nextFreeInMs ?? IDLE_WAIT_MS) + 10), deadline - Date.now());
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        continue;
      }
      result.claims++;
      const stop = await scoreClaim({ job, settings, laneId, claimed, deadline, result });
      if (stop) return result;
    }
    return result;
  } finally {
    clearInterval(renew);
  }
}

/**
 * Scores one claim's mini-batches in order, LANE_DEPTH at a time (the pool runs one per worker; the
 * next one's inputs download while the current one scores), and records them; returns true when
 * the lane must stop (the job stopped, failed or is done).
 */
async function scoreClaim(opts: {
  job: ScoringJob;
  settings: JobSettings;
  laneId: string;
  claimed: ClaimedMiniBatch[];
  deadline: number;
  result: LaneStepResult;
}): Promise<boolean> {
  const { job, settings, laneId, result } = opts;
  const buffer: LaneOutcome[] = [];
  const waiting = [...opts.claimed];
  const claimStarted = Date.now();
  let scored = 0;
  let stop = false;
  const flush = async () => {
    if (!buffer.length) return;
    const r = await recordOutcomes({ jobId: job.id, laneId, generation: job.retryGeneration, outcomes: buffer.splice(0) });
    if (r.moved && (r.jobDone || r.thresholdCrossed) && !result.followUp?.jobFailed) {
      result.followUp = { jobDone: r.jobDone, thresholdCrossed: r.thresholdCrossed, generation: r.generation };
      result.state = r.jobDone ? "done" : "over";
      stop = true;
    }
  };
  const work = async () => {
    while (!stop && waiting.length) {
      // Past the step's time: the rest goes back for this lane's next step, or another lane.
      if (scored > 0 && Date.now() >= opts.deadline) return;
      const c = waiting.shift() as ClaimedMiniBatch;
      const t0 = Date.now();
      let shownRunning = false;
      let markTimer: NodeJS.Timeout | null = null;
      const onStart = () => {
        markTimer = setTimeout(() => {
          shownRunning = true;
          void markClaimRunning({ id: c.id, laneId, startedAt: t0 }).catch((e) =>
            logError(`lane ${laneId}: marking mini-batch ${c.index} running`, e),
          );
        }, SHOW_RUNNING_AFTER_MS);
      };
      const mb: ScoringMiniBatch = { ...c, job };
      const lastAttempt = c.attempts - 1 >= settings.maxRetries;
      const r = await attemptMiniBatch(mb, { attempt: c.attempts - 1, lastAttempt, onStart }).finally(() => {
        if (markTimer) clearTimeout(markTimer);
      });
      if (r.kind === "skipped") {
        // The job is being canceled: what is left is not this lane's to record.
        stop = true;
        result.state = "over";
        await releaseClaims({ laneId, ids: [c.id] });
        return;
      }
      scored++;
      result.scored++;
      buffer.push(
        r.kind === "final"
          ? { id: c.id, startedAt: t0, kind: "final", outcome: r.outcome }
          : {
              id: c.id,
              startedAt: t0,
              kind: "retry",
              error: r.error,
              traceback: r.traceback,
              log: r.log,
              queuedMs: r.queuedMs,
              backoffMs: retryBackoffMs(c.attempts),
            },
      );
      if (r.kind === "final" && r.jobError) {
        stop = true;
        result.state = "over";
        await flush();
        await failJobForInit(job.id, r.jobError);
        const fresh = await db.job.findUnique({ where: { id: job.id }, select: { retryGeneration: true } });
        result.followUp = { jobDone: false, thresholdCrossed: false, jobFailed: true, generation: fresh?.retryGeneration ?? 0 };
        return;
      }
      // A mini-batch slow enough to have been shown running is recorded as it ends; fast ones with the claim.
      if (shownRunning) await flush();
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(LANE_DEPTH, waiting.length) }, work));
    await flush();
    if (scored) {
      const pace = (Date.now() - claimStarted) / scored;
      result.msPerMiniBatch = result.msPerMiniBatch === null ? pace : 0.5 * result.msPerMiniBatch + 0.5 * pace;
    }
  } finally {
    const unstarted = waiting.map((c) => c.id);
    await releaseClaims({ laneId, ids: unstarted }).catch((e) => logError(`lane ${laneId}: releasing its claims`, e));
  }
  return stop;
}
