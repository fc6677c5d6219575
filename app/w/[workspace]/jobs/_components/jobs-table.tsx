"use client";

import Link from "next/link";
import type { ReactNode } from "react";
import { createColumnHelper } from "@tanstack/react-table";
import { DataTable, features, type PageInfo } from "@/components/data-table/data-table";
import { formatDateTime } from "@/components/ui/format";
import { JobStatusBadge } from "@/components/ui/status-badge";
import { formatDuration, formatSubmitted } from "./job-format";
import { ProgressBar } from "./progress-bar";
import type { JobStatus } from "@/shared/job-status";

export interface JobRow {
  name: string;
  status: JobStatus;
  endpointName: string;
  deploymentName: string;
  deploymentVersion: number;
  submittedBy: string;
  createdAt: Date;
  durationSeconds: number | null;
  percent: number;
  filesTotal: number;
  filesFailed: number;
}

const col = createColumnHelper<typeof features, JobRow>();
// Column id -> the server's `sort` key (lib/jobs/find-job-list.ts).
const SORTABLE = { status: "status", name: "name", endpointName: "endpoint", createdAt: "created", filesFailed: "failed" };

function columns(slug: string) {
  return col.columns([
    col.accessor("status", { header: "Status", cell: (c) => <JobStatusBadge status={c.getValue()} /> }),
    col.accessor("name", {
      header: "Job",
      cell: (c) => (
        <Link
          href={`/w/${slug}/jobs/${c.getValue()}`}
          className="whitespace-nowrap font-mono text-xs font-medium text-brand-700 hover:underline dark:text-brand-300"
        >
          {c.getValue()}
        </Link>
      ),
    }),
    // Endpoint and deployment share a cell so the table fits a laptop screen.
    col.accessor("endpointName", {
      header: "Endpoint / deployment",
      cell: ({ row }) => (
        <span className="block max-w-48">
          <span className="block truncate" title={row.original.endpointName}>
            {row.original.endpointName}
          </span>
          <span className="block truncate text-xs text-zinc-500">
            {row.original.deploymentName} v{row.original.deploymentVersion}
          </span>
        </span>
      ),
    }),
    col.accessor("submittedBy", {
      header: "Submitted by",
      cell: (c) => (
        <span className="block max-w-40 truncate" title={c.getValue()}>
          {c.getValue()}
        </span>
      ),
    }),
    col.accessor("createdAt", {
      header: "Submitted (UTC)",
      cell: (c) => (
        <span className="whitespace-nowrap" title={formatDateTime(c.getValue())}>
          {formatSubmitted(c.getValue())}
        </span>
      ),
    }),
    col.accessor("filesFailed", {
      header: "Failed",
      cell: ({ row }) =>
        row.original.filesFailed ? (
          <span className="whitespace-nowrap tabular-nums text-red-700 dark:text-red-300">
            {row.original.filesFailed} of {row.original.filesTotal}
          </span>
        ) : (
          <span className="tabular-nums text-zinc-500">0</span>
        ),
    }),
    col.accessor("durationSeconds", {
      header: "Duration",
      cell: (c) => <span className="whitespace-nowrap tabular-nums">{formatDuration(c.getValue())}</span>,
    }),
    col.accessor("percent", {
      header: "Progress",
      cell: ({ row }) => {
        const { percent, filesTotal, filesFailed, name } = row.original;
        return (
          <div className="flex w-24 items-center gap-2">
            <ProgressBar
              percent={percent}
              failedPercent={filesTotal ? Math.round((filesFailed / filesTotal) * 100) : 0}
              label={`Progress of ${name}`}
            />
            <span className="w-9 text-right text-xs tabular-nums text-zinc-500">{percent}%</span>
          </div>
        );
      },
    }),
  ]);
}

export function JobsTable({ slug, data, pageInfo, empty }: { slug: string; data: JobRow[]; pageInfo: PageInfo; empty: ReactNode }) {
  return (
    <DataTable
      label="Jobs"
      columns={columns(slug)}
      data={data}
      pageInfo={pageInfo}
      empty={empty}
      sortable={SORTABLE}
      defaultSort={{ key: "created", dir: "desc" }}
      pageSizes={[20, 50, 100, 200]}
    />
  );
}
