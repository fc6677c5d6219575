import Link from "next/link";
import type { ReactNode } from "react";
import { Card, CardHeader, EmptyState } from "@/components/ui/card";
import { cn } from "@/components/ui/cn";
import type { findMiniBatches } from "@/lib/jobs/find-jobs";
import type { loadJobForPage } from "../../_lib/load-job";
import { MiniBatchesTable } from "./mini-batches-table";

type Job = Awaited<ReturnType<typeof loadJobForPage>>["job"];

/** The job's mini-batches, all or the failed ones only, with links to their logs. */
export function MiniBatchesCard({
  job,
  base,
  unit,
  filter,
  mbHref,
  miniBatches,
}: {
  job: Job;
  base: string;
  unit: "file" | "row";
  filter: "failed" | undefined;
  mbHref: (failed: boolean) => string;
  miniBatches: Awaited<ReturnType<typeof findMiniBatches>>;
}) {
  const { progress } = job;
  const query = { mb: filter };
  return (
    <Card>
      <CardHeader
        title="Mini-batches"
        description={`${progress.miniBatches.total} in total, ${job.miniBatchesCompleted} completed, ${job.miniBatchesFailed} failed`}
        actions={
          <div
            role="group"
            aria-label="Mini-batch filter"
            className="inline-flex rounded-md border border-zinc-300 p-0.5 text-sm dark:border-zinc-700"
          >
            <FilterLink href={mbHref(false)} active={!query.mb}>
              All
            </FilterLink>
            <FilterLink href={mbHref(true)} active={query.mb === "failed"}>
              Failed only
            </FilterLink>
          </div>
        }
      />
      <MiniBatchesTable
        logsUrl={`${base}/logs`}
        unit={unit}
        data={miniBatches.data.map((m) => ({ ...m, items: undefined, rows: undefined, files: m.inputs }))}
        pageInfo={miniBatches}
        empty={
          query.mb ? (
            <EmptyState title="No failed mini-batches">Every mini-batch so far succeeded or is still to run.</EmptyState>
          ) : (
            <EmptyState title="No mini-batches yet">The input is split into mini-batches while the job is preparing.</EmptyState>
          )
        }
      />
    </Card>
  );
}

function FilterLink({ href, active, children }: { href: string; active: boolean; children: ReactNode }) {
  return (
    <Link
      href={href}
      aria-current={active ? "true" : undefined}
      scroll={false}
      className={cn(
        "rounded px-2.5 py-1",
        active
          ? "bg-zinc-900 text-white dark:bg-zinc-100 dark:text-zinc-900"
          : "text-zinc-600 hover:bg-zinc-100 dark:text-zinc-300 dark:hover:bg-zinc-800",
      )}
    >
      {children}
    </Link>
  );
}
