"use client";

import Link from "next/link";
import { useMemo, type ReactNode } from "react";
import { createColumnHelper } from "@tanstack/react-table";
import { DataTable, features, type PageInfo } from "@/components/data-table/data-table";
import { Badge } from "@/components/ui/card";
import { formatDateTime } from "@/components/ui/format";
import { JobStatusBadge } from "@/components/ui/status-badge";

export interface JobDefinitionRow {
  name: string;
  endpoint: string;
  schedule: { cron: string; timezone: string } | null;
  enabled: boolean;
  nextRunAt: Date | string | null;
  lastRun: { job: string; status: string; at: Date | string } | null;
}

const col = createColumnHelper<typeof features, JobDefinitionRow>();
const columnsFor = (slug: string) =>
  col.columns([
    col.accessor("name", {
      header: "Name",
      cell: (c) => (
        <Link className="font-medium text-brand-600 hover:underline" href={`/w/${slug}/job-definitions/${c.getValue()}`}>
          {c.getValue()}
        </Link>
      ),
    }),
    col.accessor("endpoint", {
      header: "Endpoint",
      cell: (c) => (
        <Link className="hover:underline" href={`/w/${slug}/endpoints/${c.getValue()}`}>
          {c.getValue()}
        </Link>
      ),
    }),
    col.accessor("schedule", {
      header: "Schedule",
      cell: (c) => {
        const s = c.getValue();
        return s ? (
          <code className="text-xs">
            {s.cron} <span className="text-zinc-600 dark:text-zinc-400">{s.timezone}</span>
          </code>
        ) : (
          <span className="text-zinc-600 dark:text-zinc-400">run on demand</span>
        );
      },
    }),
    col.accessor("enabled", {
      header: "State",
      cell: (c) => (c.getValue() ? <Badge tone="green">enabled</Badge> : <Badge>disabled</Badge>),
    }),
    col.accessor("nextRunAt", { header: "Next run", cell: (c) => (c.getValue() ? formatDateTime(c.getValue()) : "—") }),
    col.accessor("lastRun", {
      header: "Last run",
      cell: (c) => {
        const r = c.getValue();
        return r ? (
          <Link href={`/w/${slug}/jobs/${r.job}`} aria-label={`Last run ${r.job}: ${r.status}`}>
            <JobStatusBadge status={r.status as never} />
          </Link>
        ) : (
          "—"
        );
      },
    }),
  ]);

export function JobDefinitionsTable({
  slug,
  data,
  pageInfo,
  empty,
}: {
  slug: string;
  data: JobDefinitionRow[];
  pageInfo: PageInfo;
  empty: ReactNode;
}) {
  const columns = useMemo(() => columnsFor(slug), [slug]);
  return <DataTable label="Job definitions" columns={columns} data={data} pageInfo={pageInfo} empty={empty} />;
}
