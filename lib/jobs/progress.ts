import { isFinalJobStatus, isSucceededJobStatus } from "@/shared/job-status";
export interface ProgressInput {
  status: string;
  miniBatchesTotal: number;
  miniBatchesCompleted: number;
  miniBatchesFailed: number;
  filesTotal: number;
  filesCompleted: number;
  filesFailed: number;
  startedAt: Date | null;
  finishedAt: Date | null;
}

export interface JobProgress {
  percent: number;
  miniBatches: { total: number; completed: number; failed: number; pending: number };
  files: { total: number; completed: number; failed: number; pending: number };
  /** files per second since the job started */
  throughput: number | null;
  /** seconds left at the current throughput; null when unknown or finished */
  etaSeconds: number | null;
  elapsedSeconds: number | null;
}

const FINISHED = ["completed", "completed_with_errors", "failed", "canceled"];

/**
 * DataRobot's progress counts: scored and failed inputs, those skipped (never scored because the job
 * ended first: canceled, failed or over its error threshold) and the position in its deployment's queue.
 */
export function rowCounts(j: ProgressInput, progress: JobProgress, queuePosition: number | null) {
  const done = j.filesCompleted + j.filesFailed;
  return {
    percentageCompleted: progress.percent,
    scoredRows: j.filesCompleted,
    failedRows: j.filesFailed,
    skippedRows: FINISHED.includes(j.status) ? Math.max(0, j.filesTotal - done) : 0,
    queuePosition,
  };
}

/** What a user sees of a job's progress, derived from its counters and times. */
export function jobProgress(j: ProgressInput, now = new Date()): JobProgress {
  const doneFiles = j.filesCompleted + j.filesFailed;
  const doneBatches = j.miniBatchesCompleted + j.miniBatchesFailed;
  const finished = isFinalJobStatus(j.status);
  const end = j.finishedAt ?? now;
  const elapsed = j.startedAt ? Math.max(0, (end.getTime() - j.startedAt.getTime()) / 1000) : null;
  const throughput = elapsed && elapsed > 0 && doneFiles > 0 ? doneFiles / elapsed : null;
  const remaining = Math.max(0, j.filesTotal - doneFiles);
  return {
    percent: isSucceededJobStatus(j.status) ? 100 : j.miniBatchesTotal ? Math.floor((doneBatches / j.miniBatchesTotal) * 100) : 0,
    miniBatches: {
      total: j.miniBatchesTotal,
      completed: j.miniBatchesCompleted,
      failed: j.miniBatchesFailed,
      pending: Math.max(0, j.miniBatchesTotal - doneBatches),
    },
    files: { total: j.filesTotal, completed: j.filesCompleted, failed: j.filesFailed, pending: remaining },
    throughput: throughput === null ? null : Math.round(throughput * 100) / 100,
    etaSeconds: finished || throughput === null ? null : Math.ceil(remaining / throughput),
    elapsedSeconds: elapsed === null ? null : Math.round(elapsed),
  };
}
