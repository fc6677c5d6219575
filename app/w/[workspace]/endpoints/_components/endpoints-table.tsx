"use client";

import Link from "next/link";
import { useMemo, type ReactNode } from "react";
import { createColumnHelper } from "@tanstack/react-table";
import { DataTable, features, type PageInfo } from "@/components/data-table/data-table";
import { Badge } from "@/components/ui/card";
import { RelativeTime } from "@/components/ui/relative-time";
import { JobStatusBadge } from "@/components/ui/status-badge";
import type { JobStatus } from "@/shared/job-status";

export interface EndpointRow {
  id: string;
  name: string;
  description: string | null;
  tags: Record<string, string>;
  defaultDeployment: string | null;
  deploymentCount: number;
  jobCount: number;
  lastJob: { name: string; status: JobStatus } | null;
  updatedAt: Date;
}

const col = createColumnHelper<typeof features, EndpointRow>();
const columnsFor = (slug: string) =>
  col.columns([
    col.accessor("name", {
      header: "Name",
      cell: (c) => (
        <Link className="font-medium text-brand-600 hover:underline" href={`/w/${slug}/endpoints/${c.getValue()}`}>
          {c.getValue()}
        </Link>
      ),
    }),
    col.accessor("defaultDeployment", {
      header: "Default deployment",
      cell: (c) => c.getValue() ?? <span className="text-zinc-500">none</span>,
    }),
    col.accessor("tags", {
      header: "Tags",
      cell: (c) => (
        <span className="flex flex-wrap gap-1">
          {Object.entries(c.getValue()).map(([k, v]) => (
            <Badge key={k}>{v ? `${k}: ${v}` : k}</Badge>
          ))}
        </span>
      ),
    }),
    col.accessor("lastJob", {
      header: "Last job",
      cell: (c) => {
        const j = c.getValue();
        return j ? (
          <Link href={`/w/${slug}/jobs/${j.name}`} aria-label={`Last job: ${j.status}`}>
            <JobStatusBadge status={j.status} />
          </Link>
        ) : (
          <span className="text-zinc-500">none</span>
        );
      },
    }),
    col.accessor("jobCount", { header: "Jobs" }),
    col.accessor("updatedAt", { header: "Updated", cell: (c) => <RelativeTime date={c.getValue()} /> }),
  ]);

export function EndpointsTable({
  slug,
  data,
  pageInfo,
  empty,
}: {
  slug: string;
  data: EndpointRow[];
  pageInfo: PageInfo;
  empty: ReactNode;
}) {
  const columns = useMemo(() => columnsFor(slug), [slug]);
  return (
    <DataTable
      label="Endpoints"
      columns={columns}
      data={data}
      pageInfo={pageInfo}
      sortable={{ name: "name", updatedAt: "updatedAt" }}
      defaultSort={{ key: "name", dir: "asc" }}
      empty={empty}
    />
  );
}
