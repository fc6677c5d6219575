import "server-only";
import { sql } from "@/lib/db/sql";
import type { MiniBatchOutcome } from "./record-mini-batch";

// The hot-path statements of scoring lanes (docs/decisions/0023), in raw pg. Times are UTC
// timestamps without a zone, as Prisma writes them, whatever the session's TimeZone.
const NOW = `(now() AT TIME ZONE 'UTC')`;
const LOG_LIMIT = 64 * 1024;
const TRACEBACK_LIMIT = 8 * 1024;

/** The name a lane claims under: stable across its retries and re-spawns, unique per job, generation and slot. */
export function laneName(jobId: string, generation: number, lane: number) {
  return `${jobId}:g${generation}:l${lane}`;
}

/** Every lane name of the job's generation starts so; a claim left by another generation's lane is free. */
function generationPrefix(jobId: string, generation: number) {
  return `${jobId}:g${generation}:`;
}

/** A claimed mini-batch: the columns scoring reads. `attempts` counts this attempt. */
export interface ClaimedMiniBatch {
  id: string;
  workspaceId: string;
  jobId: string;
  index: number;
  items: unknown;
  byteStart: bigint | null;
  byteEnd: bigint | null;
  firstLine: number | null;
  itemCount: number;
  attempts: number;
  error: string | null;
  /** Whether an earlier attempt published files of its script (JobOutputFile rows), read with the claim. */
  hasScriptOutputs: boolean;
}

/**
 * Claims up to `limit` of the job's mini-batches in index order, in one statement: pending or
 * running ones whose claim is free, expired, this lane's own (a retried step takes its claims
 * back) or left by a lane of an earlier generation (a retry round), while the job runs in `generation` and is not being canceled. Counts an attempt for each.
 * SKIP LOCKED: lanes racing for the same rows each get different ones.
 */
export async function claimMiniBatches(opts: {
  jobId: string;
  laneId: string;
  generation: number;
  limit: number;
  leaseMs: number;
}): Promise<ClaimedMiniBatch[]> {
  const { rows } = await sql().query(
    `UPDATE "MiniBatch" AS m SET "claimedBy" = $2, "claimedUntil" = ${NOW} + make_interval(secs => $4::double precision / 1000),
       "attempts" = m."attempts" + 1
     WHERE m."id" IN (
       SELECT c."id" FROM "MiniBatch" AS c
       WHERE c."jobId" = $1 AND c."status" IN ('pending', 'running')
         AND (c."claimedBy" = $2 OR c."claimedUntil" IS NULL OR c."claimedUntil" < ${NOW}
              OR left(c."claimedBy", length($6)) <> $6)
         AND EXISTS (SELECT 1 FROM "Job" AS j WHERE j."id" = $1 AND j."status" = 'running'
                     AND j."cancelRequestedAt" IS NULL AND j."retryGeneration" = $5)
       ORDER BY c."index" LIMIT $3
       FOR UPDATE SKIP LOCKED)
     RETURNING m."id", m."workspaceId", m."jobId", m."index", m."items", m."byteStart"::text AS "byteStart",
       m."byteEnd"::text AS "byteEnd", m."firstLine", m."itemCount", m."attempts", m."error",
       EXISTS (SELECT 1 FROM "JobOutputFile" AS f WHERE f."jobId" = m."jobId" AND f."miniBatchIndex" = m."index") AS "hasScriptOutputs"`,
    [opts.jobId, opts.laneId, opts.limit, opts.leaseMs, opts.generation, generationPrefix(opts.jobId, opts.generation)],
  );
  return rows
    .map((r) => ({
      ...r,
      byteStart: r.byteStart === null ? null : BigInt(r.byteStart),
      byteEnd: r.byteEnd === null ? null : BigInt(r.byteEnd),
    }))
    .sort((a, b) => a.index - b.index);
}

/** Extends the lane's unrecorded claims of the job: a lane that is alive keeps what it holds. */
export async function renewClaims(opts: { jobId: string; laneId: string; leaseMs: number }) {
  await sql().query(
    `UPDATE "MiniBatch" SET "claimedUntil" = ${NOW} + make_interval(secs => $3::double precision / 1000)
     WHERE "jobId" = $1 AND "claimedBy" = $2 AND "status" IN ('pending', 'running')`,
    [opts.jobId, opts.laneId, opts.leaseMs],
  );
}

/** Hands back claims the lane did not start (step time ran out, the job stops): their attempt is taken back. */
export async function releaseClaims(opts: { laneId: string; ids: string[] }) {
  if (!opts.ids.length) return;
  await sql().query(
    `UPDATE "MiniBatch" SET "claimedBy" = NULL, "claimedUntil" = NULL, "attempts" = GREATEST("attempts" - 1, 0)
     WHERE "id" = ANY($1::text[]) AND "claimedBy" = $2 AND "status" IN ('pending', 'running')`,
    [opts.ids, opts.laneId],
  );
}

/**
 * A worker took the claimed mini-batch. `startedAt` (epoch ms) is when the lane began the attempt, as
 * the recorded outcome says, not when it was shown running. Conditional, so a late write never undoes
 * a recorded outcome or a released claim.
 */
export async function markClaimRunning(opts: { id: string; laneId: string; startedAt: number }) {
  await sql().query(
    `UPDATE "MiniBatch" SET "status" = 'running', "startedAt" = COALESCE("startedAt", to_timestamp($3::double precision / 1000) AT TIME ZONE 'UTC')
     WHERE "id" = $1 AND "claimedBy" = $2 AND "status" = 'pending'`,
    [opts.id, opts.laneId, opts.startedAt],
  );
}

/** One outcome to record: final (completed or failed for good), or a failed attempt to retry after `backoffMs`. */
export type LaneOutcome =
  | { id: string; startedAt: number; kind: "final"; outcome: MiniBatchOutcome }
  | { id: string; startedAt: number; kind: "retry"; error: string; traceback?: string; log?: string; queuedMs?: number; backoffMs: number };

function tail(text: string | undefined, limit: number) {
  if (!text) return null;
  return text.length > limit ? `…${text.slice(-limit)}` : text;
}

export interface RecordResult {
  /** mini-batches this statement recorded (a row another lane recorded, or one no longer claimed by this lane, is not) */
  moved: number;
  jobDone: boolean;
  thresholdCrossed: boolean;
  generation: number;
}

/**
 * Records the outcomes of a lane's mini-batches in one statement, idempotently: a row changes only
 * while it is unrecorded and still claimed by this lane, and the job's counters grow by exactly the
 * rows that moved to completed or failed (so a repeat, or an outcome of a lost claim, adds nothing).
 * A retry goes back to pending, unclaimed until its backoff has passed.
 */
export async function recordOutcomes(opts: {
  jobId: string;
  laneId: string;
  generation: number;
  outcomes: LaneOutcome[];
}): Promise<RecordResult> {
  const rows = opts.outcomes.map((o) =>
    o.kind === "final"
      ? {
          id: o.id,
          status: o.outcome.status,
          succeeded: o.outcome.succeeded,
          failed: o.outcome.failed,
          durationMs: Math.round(o.outcome.durationMs),
          queuedMs: o.outcome.queuedMs === undefined ? null : Math.round(o.outcome.queuedMs),
          log: tail(o.outcome.log, LOG_LIMIT),
          error: o.outcome.error ?? null,
          traceback: tail(o.outcome.traceback, TRACEBACK_LIMIT),
          startedAt: o.startedAt,
          backoffMs: 0,
          keepLog: false,
        }
      : {
          id: o.id,
          status: "pending",
          succeeded: 0,
          failed: 0,
          durationMs: null,
          queuedMs: o.queuedMs === undefined ? null : Math.round(o.queuedMs),
          log: o.log === undefined ? null : o.log.slice(-LOG_LIMIT),
          error: o.error,
          traceback: o.traceback ?? null,
          startedAt: o.startedAt,
          backoffMs: o.backoffMs,
          // An error before run() (a download) keeps the log and traceback of the attempt before.
          keepLog: o.log === undefined,
        },
  );
  const { rows: job } = await sql().query(
    `WITH o AS (
       SELECT * FROM jsonb_to_recordset($3::jsonb) AS o("id" text, "status" text, "succeeded" int, "failed" int, "durationMs" int,
         "queuedMs" int, "log" text, "error" text, "traceback" text, "startedAt" double precision, "backoffMs" int, "keepLog" boolean)
     ), moved AS (
       UPDATE "MiniBatch" AS m SET
         "status" = o."status"::"MiniBatchStatus", "succeededCount" = o."succeeded", "failedCount" = o."failed",
         "durationMs" = CASE WHEN o."status" = 'pending' THEN m."durationMs" ELSE o."durationMs" END,
         "queuedMs" = CASE WHEN o."keepLog" THEN m."queuedMs" ELSE o."queuedMs" END,
         "log" = CASE WHEN o."keepLog" THEN m."log" ELSE o."log" END,
         "traceback" = CASE WHEN o."keepLog" THEN m."traceback" ELSE o."traceback" END,
         "error" = o."error",
         "startedAt" = COALESCE(m."startedAt", to_timestamp(o."startedAt" / 1000) AT TIME ZONE 'UTC'),
         "finishedAt" = CASE WHEN o."status" = 'pending' THEN NULL ELSE ${NOW} END,
         "claimedBy" = NULL,
         "claimedUntil" = CASE WHEN o."status" = 'pending' THEN ${NOW} + make_interval(secs => o."backoffMs"::double precision / 1000) END
       FROM o
       WHERE m."id" = o."id" AND m."jobId" = $1 AND m."claimedBy" = $2 AND m."status" IN ('pending', 'running')
         AND EXISTS (SELECT 1 FROM "Job" WHERE "id" = $1 AND "retryGeneration" = $4)
       RETURNING m."status", m."succeededCount", m."failedCount"
     ), sums AS (
       SELECT count(*)::int AS "moved",
         count(*) FILTER (WHERE "status" = 'completed')::int AS "completed",
         count(*) FILTER (WHERE "status" = 'failed')::int AS "failed",
         COALESCE(sum("succeededCount") FILTER (WHERE "status" <> 'pending'), 0)::int AS "filesOk",
         COALESCE(sum("failedCount") FILTER (WHERE "status" <> 'pending'), 0)::int AS "filesFailed"
       FROM moved
     ), job AS (
       UPDATE "Job" AS j SET
         "miniBatchesCompleted" = j."miniBatchesCompleted" + s."completed", "miniBatchesFailed" = j."miniBatchesFailed" + s."failed",
         "filesCompleted" = j."filesCompleted" + s."filesOk", "filesFailed" = j."filesFailed" + s."filesFailed", "progressAt" = ${NOW}
       FROM sums AS s
       WHERE j."id" = $1 AND s."completed" + s."failed" > 0
       RETURNING j."miniBatchesCompleted", j."miniBatchesFailed", j."miniBatchesTotal", j."filesFailed", j."retryGeneration",
         (j."settings"->>'errorThreshold')::int AS "errorThreshold"
     )
     SELECT s."moved", job.* FROM sums AS s LEFT JOIN job ON true`,
    [opts.jobId, opts.laneId, JSON.stringify(rows), opts.generation],
  );
  const r = job[0];
  if (!r || r.miniBatchesTotal === null) return { moved: r?.moved ?? 0, jobDone: false, thresholdCrossed: false, generation: 0 };
  return {
    moved: r.moved,
    generation: r.retryGeneration,
    jobDone: r.miniBatchesCompleted + r.miniBatchesFailed >= r.miniBatchesTotal,
    thresholdCrossed: r.errorThreshold !== null && r.errorThreshold >= 0 && r.filesFailed > r.errorThreshold,
  };
}

/** What is left of a job for its lanes: whether it still runs in `generation`, its unrecorded mini-batches, and when the next claim frees up. */
export async function laneOutlook(opts: { jobId: string; generation: number }) {
  const { rows } = await sql().query(
    `SELECT (j."status" = 'running' AND j."cancelRequestedAt" IS NULL AND j."retryGeneration" = $2) AS "open",
       (SELECT count(*)::int FROM "MiniBatch" WHERE "jobId" = $1 AND "status" IN ('pending', 'running')) AS "unrecorded",
       (SELECT EXTRACT(EPOCH FROM (min("claimedUntil") - ${NOW})) * 1000 FROM "MiniBatch"
         WHERE "jobId" = $1 AND "status" IN ('pending', 'running')) AS "nextFreeInMs"
     FROM "Job" AS j WHERE j."id" = $1`,
    [opts.jobId, opts.generation],
  );
  const r = rows[0];
  if (!r) return { open: false, unrecorded: 0, nextFreeInMs: null };
  return { open: !!r.open, unrecorded: Number(r.unrecorded), nextFreeInMs: r.nextFreeInMs === null ? null : Number(r.nextFreeInMs) };
}
