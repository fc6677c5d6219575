"use client";

import Link from "next/link";
import { type ReactNode, useState } from "react";
import { createColumnHelper } from "@tanstack/react-table";
import { toast } from "sonner";
import { DataTable, features, type PageInfo } from "@/components/data-table/data-table";
import { toastActionError } from "@/components/forms/toast-error";
import { useAction } from "@/components/forms/use-form-action";
import { ConfirmButton } from "@/components/ui/confirm-button";
import { formatDateTime } from "@/components/ui/format";
import { JobStatusBadge } from "@/components/ui/status-badge";
import { formatDuration, formatSubmitted } from "./job-format";
import { ProgressBar } from "./progress-bar";
import type { JobStatus } from "@/shared/job-status";
import { cancelJobsAction } from "../actions";

export interface JobRow {
  name: string;
  displayName: string | null;
  tags: Record<string, string>;
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

/** Jobs that can still be canceled: the bulk cancel offers only these. */
const CANCELABLE = new Set(["queued", "preparing", "running"]);

function columns(slug: string, selection: Selection | null) {
  return col.columns([
    ...(selection
      ? [
          col.display({
            id: "select",
            header: () => (
              <input
                type="checkbox"
                aria-label="Select every job on this page that can be canceled"
                checked={selection.allChecked}
                disabled={!selection.selectable.length}
                onChange={(e) => selection.setAll(e.target.checked)}
              />
            ),
            cell: ({ row }) =>
              CANCELABLE.has(row.original.status) ? (
                <input
                  type="checkbox"
                  aria-label={`Select ${row.original.name}`}
                  checked={selection.selected.has(row.original.name)}
                  onChange={(e) => selection.toggle(row.original.name, e.target.checked)}
                />
              ) : null,
          }),
        ]
      : []),
    col.accessor("status", { header: "Status", cell: (c) => <JobStatusBadge status={c.getValue()} /> }),
    col.accessor("name", {
      header: "Job",
      cell: ({ row }) => (
        <div className="max-w-36 space-y-1 xl:max-w-64">
          <Link href={`/w/${slug}/jobs/${row.original.name}`} className="block text-brand-700 hover:underline dark:text-brand-300">
            {row.original.displayName ? <span className="block truncate font-medium">{row.original.displayName}</span> : null}
            <span
              className={
                row.original.displayName
                  ? "block break-all font-mono text-xs text-zinc-600 dark:text-zinc-400"
                  : "block break-all font-mono text-xs font-medium xl:whitespace-nowrap xl:break-normal"
              }
            >
              {row.original.name}
            </span>
          </Link>
          {Object.keys(row.original.tags).length ? (
            <ul className="flex flex-wrap gap-1" aria-label={`Tags of ${row.original.name}`}>
              {Object.entries(row.original.tags).map(([k, v]) => (
                <li key={k}>
                  <Link
                    href={`/w/${slug}/jobs?tag=${encodeURIComponent(`${k}=${v}`)}`}
                    className="inline-block rounded bg-zinc-100 px-1.5 py-0.5 text-xs text-zinc-700 hover:bg-zinc-200 dark:bg-zinc-800 dark:text-zinc-300 dark:hover:bg-zinc-700"
                    title={`Jobs tagged ${k}=${v}`}
                  >
                    {k}={v}
                  </Link>
                </li>
              ))}
            </ul>
          ) : null}
        </div>
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
    // Below 1280 px the submitter and the duration move under the time and the progress, so the table fits a tablet.
    col.accessor("submittedBy", {
      header: "Submitted by",
      meta: { className: "hidden xl:table-cell" },
      cell: (c) => (
        <span className="block max-w-40 truncate" title={c.getValue()}>
          {c.getValue()}
        </span>
      ),
    }),
    col.accessor("createdAt", {
      header: "Submitted (UTC)",
      cell: ({ row }) => (
        <>
          <span className="whitespace-nowrap" title={formatDateTime(row.original.createdAt)}>
            {formatSubmitted(row.original.createdAt)}
          </span>
          <span className="block max-w-32 truncate text-xs text-zinc-600 xl:hidden dark:text-zinc-400" title={row.original.submittedBy}>
            by {row.original.submittedBy}
          </span>
        </>
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
      meta: { className: "hidden xl:table-cell" },
      cell: (c) => <span className="whitespace-nowrap tabular-nums">{formatDuration(c.getValue())}</span>,
    }),
    col.accessor("percent", {
      header: "Progress",
      cell: ({ row }) => {
        const { percent, filesTotal, filesFailed, name } = row.original;
        return (
          <>
            <div className="flex w-20 items-center gap-2 xl:w-24">
              <ProgressBar
                percent={percent}
                failedPercent={filesTotal ? Math.round((filesFailed / filesTotal) * 100) : 0}
                label={`Progress of ${name}`}
              />
              <span className="w-9 text-right text-xs tabular-nums text-zinc-500">{percent}%</span>
            </div>
            <span className="block text-xs tabular-nums text-zinc-600 xl:hidden dark:text-zinc-400">
              {formatDuration(row.original.durationSeconds)}
            </span>
          </>
        );
      },
    }),
  ]);
}

interface Selection {
  selected: Set<string>;
  selectable: string[];
  allChecked: boolean;
  toggle: (name: string, on: boolean) => void;
  setAll: (on: boolean) => void;
}

export function JobsTable({
  slug,
  data,
  pageInfo,
  empty,
  canCancel = false,
}: {
  slug: string;
  data: JobRow[];
  pageInfo: PageInfo;
  empty: ReactNode;
  canCancel?: boolean;
}) {
  const [picked, setPicked] = useState<Set<string>>(new Set());
  const selectable = data.filter((j) => CANCELABLE.has(j.status)).map((j) => j.name);
  // Only jobs still on this page and still cancelable count: live updates may finish a selected job.
  const selected = new Set(selectable.filter((n) => picked.has(n)));
  const selection: Selection | null = canCancel
    ? {
        selected,
        selectable,
        allChecked: selectable.length > 0 && selected.size === selectable.length,
        toggle: (name, on) =>
          setPicked((prev) => {
            const next = new Set(prev);
            if (on) next.add(name);
            else next.delete(name);
            return next;
          }),
        setAll: (on) => setPicked(on ? new Set(selectable) : new Set()),
      }
    : null;
  const cancel = useAction(cancelJobsAction, {
    onSuccess: ({ data: r }) => {
      if (!r) return;
      setPicked(new Set());
      if (r.canceled.length) toast.success(`Canceling ${r.canceled.length} ${r.canceled.length === 1 ? "job" : "jobs"}`);
      for (const s of r.skipped) toast.error(s.reason);
    },
    onError: toastActionError,
  });
  const n = selected.size;
  return (
    <>
      {canCancel && data.length ? (
        <div
          className="flex flex-wrap items-center gap-3 border-b border-zinc-200 px-4 py-2 text-sm dark:border-zinc-800"
          role="group"
          aria-label="Bulk actions"
        >
          <span className="text-zinc-600 dark:text-zinc-400" aria-live="polite">
            {n
              ? `${n} selected`
              : selectable.length
                ? "Select running or queued jobs to cancel them together."
                : "No job on this page can be canceled."}
          </span>
          {n ? (
            <ConfirmButton
              triggerVariant="danger"
              triggerClassName="px-3 py-1.5"
              disabled={cancel.isPending}
              title={`Cancel ${n} ${n === 1 ? "job" : "jobs"}?`}
              description="Their running mini-batches stop; finished mini-batches keep their output. This cannot be undone."
              confirmLabel={`Cancel ${n} ${n === 1 ? "job" : "jobs"}`}
              cancelLabel="Keep running"
              onConfirm={() => cancel.execute({ workspace: slug, names: [...selected] })}
            >
              Cancel {n} selected
            </ConfirmButton>
          ) : null}
        </div>
      ) : null}
      <JobsDataTable slug={slug} data={data} pageInfo={pageInfo} empty={empty} selection={selection} />
    </>
  );
}

function JobsDataTable({
  slug,
  data,
  pageInfo,
  empty,
  selection,
}: {
  slug: string;
  data: JobRow[];
  pageInfo: PageInfo;
  empty: ReactNode;
  selection: Selection | null;
}) {
  return (
    <DataTable
      label="Jobs"
      columns={columns(slug, selection)}
      data={data}
      pageInfo={pageInfo}
      empty={empty}
      sortable={SORTABLE}
      defaultSort={{ key: "created", dir: "desc" }}
      pageSizes={[20, 50, 100, 200]}
    />
  );
}
