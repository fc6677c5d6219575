import { Card, CardHeader } from "@/components/ui/card";
import { formatDateTime } from "@/components/ui/format";
import { JobStatusBadge } from "@/components/ui/status-badge";
import type { presentJob } from "@/lib/jobs/present-job";

type JobView = ReturnType<typeof presentJob>;

/** Each "Retry failed" round: the deployment version it used, its counts and when it ran. */
export function RetryRounds({ view, units }: { view: JobView; units: (n: number) => string }) {
  return view.retryRounds.length ? (
    <Card>
      <CardHeader title="Retry rounds" description="Each “Retry failed” re-ran the failed mini-batches with the version shown." />
      <ol aria-label="Retry rounds" className="divide-y divide-zinc-200 text-sm dark:divide-zinc-800">
        {view.retryRounds.map((r) => (
          <li key={r.round} className="flex flex-wrap items-center gap-x-4 gap-y-1 px-4 py-3">
            <span className="font-medium">Round {r.round}</span>
            <span>
              deployment v{r.deploymentVersion} ({r.versionChoice === "current" ? "the current version" : "the job's version"})
            </span>
            <span>
              {r.counts.miniBatches} mini-batch{r.counts.miniBatches === 1 ? "" : "es"}, {units(r.counts.inputs)}
              {r.counts.succeeded !== null ? `: ${r.counts.succeeded} succeeded, ${r.counts.failed ?? 0} failed` : ""}
            </span>
            {r.status ? <JobStatusBadge status={r.status as never} /> : <span>running</span>}
            <span className="text-zinc-600 dark:text-zinc-400">
              {formatDateTime(r.startedAt)}
              {r.finishedAt ? ` – ${formatDateTime(r.finishedAt)}` : ""}
            </span>
          </li>
        ))}
      </ol>
    </Card>
  ) : null;
}
