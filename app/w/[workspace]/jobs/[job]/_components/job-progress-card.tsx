import { Card, CardHeader } from "@/components/ui/card";
import { cn } from "@/components/ui/cn";
import type { getJobTimeline } from "@/lib/jobs/job-details";
import type { presentJob } from "@/lib/jobs/present-job";
import { formatDuration, formatStageTime } from "../../_components/job-format";
import { ProgressBar } from "../../_components/progress-bar";
import type { loadJobForPage } from "../../_lib/load-job";

type Job = Awaited<ReturnType<typeof loadJobForPage>>["job"];
type JobView = ReturnType<typeof presentJob>;

const STAGES = [
  { key: "queued", label: "Queued" },
  { key: "preparing", label: "Preparing" },
  { key: "running", label: "Running" },
  { key: "finalizing", label: "Finalizing" },
  { key: "finished", label: "Finished" },
] as const;

/** Progress, counts, throughput, time left and the timeline of the job's stages. */
export function JobProgressCard({
  job,
  view,
  final,
  noun,
  unit,
  timeline,
}: {
  job: Job;
  view: JobView;
  final: boolean;
  noun: string;
  unit: string;
  timeline: Awaited<ReturnType<typeof getJobTimeline>>;
}) {
  const { progress } = job;
  return (
    <Card className="@container">
      <CardHeader title="Progress" />
      <div className="space-y-4 p-5">
        <div className="flex items-center gap-3">
          <ProgressBar
            size="lg"
            percent={progress.percent}
            failedPercent={progress.miniBatches.total ? Math.round((progress.miniBatches.failed / progress.miniBatches.total) * 100) : 0}
            label="Job progress"
          />
          <span className="w-12 text-right text-sm font-semibold tabular-nums">{progress.percent}%</span>
        </div>
        <dl className="grid grid-cols-2 gap-4 text-sm @2xl:grid-cols-4">
          <Stat
            label="Mini-batches"
            value={`${progress.miniBatches.completed + progress.miniBatches.failed} / ${progress.miniBatches.total}`}
            detail={progress.miniBatches.failed ? `${progress.miniBatches.failed} failed` : undefined}
            bad
          />
          <Stat
            label={`${noun[0].toUpperCase()}${noun.slice(1)}s`}
            value={`${progress.files.completed + progress.files.failed} / ${progress.files.total}`}
            detail={progress.files.failed ? `${progress.files.failed} failed` : undefined}
            bad
          />
          <Stat label="Throughput" value={progress.throughput === null ? "—" : `${progress.throughput} ${noun}s/s`} />
          <Stat
            label={final ? "Duration" : "Time left"}
            value={
              final
                ? formatDuration(progress.elapsedSeconds)
                : progress.etaSeconds === null
                  ? "—"
                  : `about ${formatDuration(progress.etaSeconds)}`
            }
            detail={!final && progress.elapsedSeconds !== null ? `${formatDuration(progress.elapsedSeconds)} elapsed` : undefined}
          />
        </dl>
        <dl aria-label="Counts" className="flex flex-wrap gap-x-6 gap-y-1 text-xs text-zinc-600 dark:text-zinc-400">
          <Count label={`Scored ${unit}s`} value={view.scoredRows} />
          <Count label={`Failed ${unit}s`} value={view.failedRows} />
          <Count label={`Skipped ${unit}s`} value={view.skippedRows} />
          {view.queuePosition ? <Count label="Jobs ahead on this deployment" value={view.queuePosition} /> : null}
        </dl>
      </div>
      <ol
        aria-label="Timeline"
        className="grid grid-cols-2 gap-4 border-t border-zinc-200 px-5 py-4 text-sm @xl:grid-cols-3 @3xl:grid-cols-5 dark:border-zinc-800"
      >
        {STAGES.map((s) => {
          const at = timeline[s.key];
          return (
            <li key={s.key} className="flex items-start gap-2.5">
              <span
                aria-hidden
                className={cn(
                  "mt-1.5 h-2.5 w-2.5 shrink-0 rounded-full",
                  at
                    ? s.key === "finished" && job.status !== "completed"
                      ? job.status === "failed"
                        ? "bg-red-500"
                        : "bg-amber-500"
                      : "bg-brand-500"
                    : "bg-zinc-300 dark:bg-zinc-700",
                )}
              />
              <span className="min-w-0">
                <span className={cn("block font-medium wrap-anywhere", !at && "text-zinc-500")}>
                  {s.key === "finished" && final ? `Finished (${job.status.replaceAll("_", " ")})` : s.label}
                </span>
                <span className="block text-xs text-zinc-500">{at ? formatStageTime(at) : "not yet"}</span>
              </span>
            </li>
          );
        })}
      </ol>
    </Card>
  );
}

function Stat({ label, value, detail, bad }: { label: string; value: string; detail?: string; bad?: boolean }) {
  return (
    <div>
      <dt className="text-xs font-medium uppercase tracking-wide text-zinc-500">{label}</dt>
      <dd className="mt-0.5 text-base font-semibold tabular-nums">{value}</dd>
      {detail ? <dd className={cn("text-xs", bad ? "text-red-600" : "text-zinc-500")}>{detail}</dd> : null}
    </div>
  );
}

function Count({ label, value }: { label: string; value: number }) {
  return (
    <div className="flex gap-1.5">
      <dt>{label}</dt>
      <dd className="font-semibold tabular-nums text-zinc-900 dark:text-zinc-100">{value.toLocaleString("en")}</dd>
    </div>
  );
}
