import { formatDateTime } from "@/components/ui/format";
import type { getFirstFailedMiniBatch } from "@/lib/jobs/job-details";
import { isSucceededJobStatus } from "@/shared/job-status";
import type { loadJobForPage } from "../../_lib/load-job";
import { FailurePanel } from "./failure-panel";

type Job = Awaited<ReturnType<typeof loadJobForPage>>["job"];

/** Why the job failed, what failed in a finished job, or that it was canceled or is stopping. */
export function JobStatusNotice({
  job,
  final,
  hasFailures,
  firstFailure,
  noun,
  units,
}: {
  job: Job;
  final: boolean;
  hasFailures: boolean;
  firstFailure: Awaited<ReturnType<typeof getFirstFailedMiniBatch>>;
  noun: string;
  units: (n: number) => string;
}) {
  return job.status === "failed" ? (
    <FailurePanel
      tone="red"
      title="Why this job failed"
      message={job.error ?? "The job failed without a recorded reason; see the mini-batch logs below."}
      failure={firstFailure}
    />
  ) : hasFailures && firstFailure ? (
    <FailurePanel
      tone="amber"
      title={`${isSucceededJobStatus(job.status) ? "Completed" : "Stopped"} with ${units(job.filesFailed).replace(/ /, " failed ")}`}
      message={`These ${noun}s are listed in errors.jsonl; the rest of the output is complete.`}
      failure={firstFailure}
    />
  ) : job.status === "canceled" ? (
    <div
      role="status"
      className="rounded-lg border border-amber-200 bg-amber-50 px-4 py-3 text-sm text-amber-900 dark:border-amber-900 dark:bg-amber-950/40 dark:text-amber-200"
    >
      {job.error ?? "The job was canceled."}
    </div>
  ) : job.cancelRequestedAt && !final ? (
    <div
      role="status"
      className="rounded-lg border border-amber-200 bg-amber-50 px-4 py-3 text-sm text-amber-900 dark:border-amber-900 dark:bg-amber-950/40 dark:text-amber-200"
    >
      Cancel requested {formatDateTime(job.cancelRequestedAt)}; running mini-batches are stopping.
    </div>
  ) : null;
}
