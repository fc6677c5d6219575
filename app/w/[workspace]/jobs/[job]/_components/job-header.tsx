import Link from "next/link";
import type { ReactNode } from "react";
import { formatDateTime } from "@/components/ui/format";
import { JobStatusBadge } from "@/components/ui/status-badge";
import type { loadJobForPage } from "../../_lib/load-job";
import { LiveRefresh } from "./live-refresh";

type Job = Awaited<ReturnType<typeof loadJobForPage>>["job"];

/** The breadcrumb, the job's name, status, labels and who submitted it, with the job's actions beside them. */
export function JobHeader({
  slug,
  name,
  job,
  final,
  submitter,
  actions,
}: {
  slug: string;
  name: string;
  job: Job;
  final: boolean;
  submitter: string | null;
  actions: ReactNode;
}) {
  return (
    <>
      <nav aria-label="Breadcrumb" className="text-sm text-zinc-500">
        <Link href={`/w/${slug}/jobs`} className="hover:underline">
          Jobs
        </Link>{" "}
        / <span className="font-mono">{name}</span>
      </nav>
      <div className="flex flex-wrap items-start justify-between gap-4">
        <div className="min-w-0">
          <div className="flex flex-wrap items-center gap-3">
            <h1 className="break-all font-mono text-xl font-semibold tracking-tight">{name}</h1>
            <span aria-label="Job status" role="status">
              <JobStatusBadge status={job.status} />
            </span>
            <LiveRefresh active={!final} />
          </div>
          {job.displayName ? <p className="mt-1 text-base font-medium">{job.displayName}</p> : null}
          {Object.keys((job.tags ?? {}) as Record<string, string>).length ? (
            <ul className="mt-1 flex flex-wrap gap-1" aria-label="Tags">
              {Object.entries(job.tags as Record<string, string>).map(([k, v]) => (
                <li key={k}>
                  <Link
                    href={`/w/${slug}/jobs?tag=${encodeURIComponent(`${k}=${v}`)}`}
                    className="inline-block rounded bg-zinc-100 px-1.5 py-0.5 text-xs text-zinc-700 hover:bg-zinc-200 dark:bg-zinc-800 dark:text-zinc-300 dark:hover:bg-zinc-700"
                  >
                    {k}={v}
                  </Link>
                </li>
              ))}
            </ul>
          ) : null}
          <p className="mt-1 text-sm text-zinc-500">
            <Link href={`/w/${slug}/endpoints/${job.endpointName}`} className="hover:underline">
              {job.endpointName}
            </Link>{" "}
            · deployment {job.deploymentName} v{job.deploymentVersion} · submitted {formatDateTime(job.createdAt)}{" "}
            {submitter
              ? `by ${submitter}`
              : `via ${job.submittedVia === "api" || job.submittedVia === "ui" || job.submittedVia === "cli" ? job.submittedVia.toUpperCase() : job.submittedVia}`}
          </p>
        </div>
        {actions}
      </div>
    </>
  );
}
