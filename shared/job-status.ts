// The one list of job statuses and what each allows. Dependency-free on purpose: lib/, app/,
// components/ and the CLI (which imports nothing from the app) all import it. It is typed against
// the Prisma enum JobStatus by lib/jobs/job-status.test.ts, which fails when the two differ.

/** Every job status, in lifecycle order (the order of `enum JobStatus` in prisma/schema.prisma). */
export const JOB_STATUSES = [
  "queued",
  "preparing",
  "running",
  "finalizing",
  "completed",
  "completed_with_errors",
  "failed",
  "canceled",
] as const;

export type JobStatus = (typeof JOB_STATUSES)[number];

/** Statuses a job ends in: nothing moves it out of them except "retry failed". */
export const FINAL_JOB_STATUSES = ["completed", "completed_with_errors", "failed", "canceled"] as const satisfies readonly JobStatus[];
export type FinalJobStatus = (typeof FINAL_JOB_STATUSES)[number];

/** Statuses of a job that has not ended yet. */
export const OPEN_JOB_STATUSES = ["queued", "preparing", "running", "finalizing"] as const satisfies readonly JobStatus[];

/** Statuses in which mini-batches may still be scored; a job can be canceled in these (not once it is finalizing). */
export const ACTIVE_JOB_STATUSES = ["queued", "preparing", "running"] as const satisfies readonly JobStatus[];

/** Finished jobs whose failed mini-batches can be retried: every final status but canceled. */
export const RETRYABLE_JOB_STATUSES = ["completed", "completed_with_errors", "failed"] as const satisfies readonly JobStatus[];

/** Statuses whose output (predictions) was committed. */
export const SUCCEEDED_JOB_STATUSES = ["completed", "completed_with_errors"] as const satisfies readonly JobStatus[];

const has = (list: readonly string[], status: string) => list.includes(status);

export const isJobStatus = (s: string): s is JobStatus => has(JOB_STATUSES, s);
export const isFinalJobStatus = (s: string): s is FinalJobStatus => has(FINAL_JOB_STATUSES, s);
export const isOpenJobStatus = (s: string): s is (typeof OPEN_JOB_STATUSES)[number] => has(OPEN_JOB_STATUSES, s);
export const isActiveJobStatus = (s: string): s is (typeof ACTIVE_JOB_STATUSES)[number] => has(ACTIVE_JOB_STATUSES, s);
export const isRetryableJobStatus = (s: string): s is (typeof RETRYABLE_JOB_STATUSES)[number] => has(RETRYABLE_JOB_STATUSES, s);
export const isSucceededJobStatus = (s: string): s is (typeof SUCCEEDED_JOB_STATUSES)[number] => has(SUCCEEDED_JOB_STATUSES, s);

/** What a job's state allows, before permissions (the caller checks the role). */
export interface JobActions {
  /** Cancel: a queued or running job with no cancel requested yet. */
  cancel: boolean;
  /** Retry failed: a finished, not canceled job with failed inputs or mini-batches that never finished. */
  retryFailed: boolean;
  /** Re-run: start a new job with the same inputs and settings, once this one has ended. */
  rerun: boolean;
}

export function jobActions(job: {
  status: string;
  cancelRequestedAt?: Date | string | null;
  miniBatchesFailed?: number;
  filesFailed?: number;
  miniBatchesCompleted?: number;
  miniBatchesTotal?: number;
}): JobActions {
  const unfinished =
    (job.miniBatchesFailed ?? 0) > 0 || (job.filesFailed ?? 0) > 0 || (job.miniBatchesTotal ?? 0) > (job.miniBatchesCompleted ?? 0);
  return {
    cancel: isActiveJobStatus(job.status) && !job.cancelRequestedAt,
    retryFailed: isRetryableJobStatus(job.status) && unfinished,
    rerun: isFinalJobStatus(job.status),
  };
}
