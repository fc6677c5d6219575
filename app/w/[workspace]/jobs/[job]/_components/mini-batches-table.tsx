"use client";

import type { ReactNode } from "react";
import { useCallback, useEffect, useState } from "react";
import { createColumnHelper } from "@tanstack/react-table";
import { DataTable, features, type PageInfo } from "@/components/data-table/data-table";
import { Badge } from "@/components/ui/card";
import { formatDuration } from "../../_components/job-format";

export interface MiniBatchRow {
  index: number;
  status: "pending" | "running" | "completed" | "failed" | "canceled";
  itemCount: number;
  succeededCount: number;
  failedCount: number;
  attempts: number;
  durationMs: number | null;
  error: string | null;
  traceback: string | null;
  files: string[];
}

const tones = { pending: "gray", running: "blue", completed: "green", failed: "red", canceled: "amber" } as const;
const col = createColumnHelper<typeof features, MiniBatchRow>();

/** `unit`: what the job's input is counted in, files or (tabular input) CSV rows. */
export function MiniBatchesTable({
  logsUrl,
  data,
  pageInfo,
  empty,
  unit = "file",
}: {
  logsUrl: string;
  data: MiniBatchRow[];
  pageInfo: PageInfo;
  empty: ReactNode;
  unit?: "file" | "row";
}) {
  const unitTitle = unit === "row" ? "Rows" : "Files";
  const [open, setOpen] = useState<MiniBatchRow | null>(null);
  // Closing the drawer returns focus to its "Logs" button (found again by name: a live refresh may have re-rendered it).
  const close = useCallback(() => {
    const index = open?.index;
    setOpen(null);
    requestAnimationFrame(() => document.querySelector<HTMLElement>(`[aria-label="Logs of mini-batch ${index}"]`)?.focus());
  }, [open]);
  const columns = col.columns([
    col.accessor("index", { header: "#", cell: (c) => <span className="tabular-nums">{c.getValue()}</span> }),
    col.accessor("status", { header: "Status", cell: (c) => <Badge tone={tones[c.getValue()] ?? "gray"}>{c.getValue()}</Badge> }),
    col.accessor("itemCount", {
      header: unitTitle,
      cell: ({ row }) => (
        <span className="whitespace-nowrap tabular-nums" title={row.original.files.join("\n")}>
          {row.original.itemCount}
          {row.original.failedCount ? <span className="text-red-600"> ({row.original.failedCount} failed)</span> : null}
        </span>
      ),
    }),
    col.accessor("attempts", { header: "Attempts", cell: (c) => <span className="tabular-nums">{c.getValue()}</span> }),
    col.accessor("durationMs", {
      header: "Duration",
      cell: (c) => (
        <span className="whitespace-nowrap tabular-nums">
          {c.getValue() === null ? "—" : c.getValue()! < 1000 ? `${c.getValue()} ms` : formatDuration(c.getValue()! / 1000)}
        </span>
      ),
    }),
    col.display({
      id: "logs",
      header: () => <span className="sr-only">Logs</span>,
      cell: ({ row }) =>
        row.original.status === "pending" ? null : (
          <button
            type="button"
            className="whitespace-nowrap text-sm text-brand-700 hover:underline dark:text-brand-300"
            aria-label={`Logs of mini-batch ${row.original.index}`}
            onClick={() => setOpen(row.original)}
          >
            Logs
          </button>
        ),
    }),
    col.accessor("error", {
      header: "Error",
      cell: (c) =>
        c.getValue() ? (
          <span className="line-clamp-2 min-w-48 max-w-md break-words text-red-700 dark:text-red-300" title={c.getValue()!}>
            {c.getValue()}
          </span>
        ) : (
          <span className="text-zinc-500">—</span>
        ),
    }),
  ]);
  return (
    <>
      <DataTable label="Mini-batches" columns={columns} data={data} pageInfo={pageInfo} empty={empty} />
      {open ? <LogDrawer key={open.index} row={open} unit={unit} url={`${logsUrl}/${open.index}`} onClose={close} /> : null}
    </>
  );
}

/** A side drawer with one mini-batch's files, error, traceback and captured log. */
function LogDrawer({ row, unit, url, onClose }: { row: MiniBatchRow; unit: "file" | "row"; url: string; onClose: () => void }) {
  const unitTitle = unit === "row" ? "Rows" : "Files";
  const [log, setLog] = useState<string | null>(null);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => e.key === "Escape" && onClose();
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, [onClose]);
  useEffect(() => {
    let live = true;
    fetch(url, { cache: "no-store" })
      .then(async (r) => {
        // Errors are the API's JSON ({ error: { message } }), like every session route's.
        const text = r.ok
          ? await r.text()
          : `Could not load the log: ${((await r.json().catch(() => null)) as { error?: { message?: string } } | null)?.error?.message ?? r.statusText}`;
        if (live) setLog(text);
      })
      .catch(() => live && setLog("Could not load the log. Check your connection and open it again."));
    return () => {
      live = false;
    };
  }, [url]);
  return (
    <div className="fixed inset-0 z-40 flex justify-end bg-zinc-900/30" onClick={onClose}>
      <div
        role="dialog"
        aria-modal="true"
        aria-label={`Mini-batch ${row.index} logs`}
        className="flex h-full w-full max-w-2xl flex-col bg-white shadow-xl dark:bg-zinc-900"
        onClick={(e) => e.stopPropagation()}
      >
        <div className="flex items-center justify-between border-b border-zinc-200 px-5 py-3 dark:border-zinc-800">
          <h2 className="text-base font-semibold">
            Mini-batch {row.index} <Badge tone={tones[row.status]}>{row.status}</Badge>
          </h2>
          <button
            type="button"
            autoFocus
            onClick={onClose}
            className="rounded-md px-2 py-1 text-sm hover:bg-zinc-100 dark:hover:bg-zinc-800"
            aria-label="Close logs"
          >
            Close
          </button>
        </div>
        <div tabIndex={-1} className="flex-1 space-y-4 overflow-y-auto p-5 text-sm">
          <section aria-label={unitTitle}>
            <h3 className="mb-1 font-medium">
              {unitTitle} ({row.itemCount})
            </h3>
            <ul
              tabIndex={0}
              aria-label={`${unitTitle} of mini-batch ${row.index}`}
              className="max-h-32 overflow-y-auto font-mono text-xs text-zinc-600 dark:text-zinc-400"
            >
              {row.files.map((f) => (
                <li key={f} className="truncate">
                  {f}
                </li>
              ))}
              {unit === "file" && row.itemCount > row.files.length ? <li>… and {row.itemCount - row.files.length} more</li> : null}
            </ul>
          </section>
          {row.error ? (
            <section aria-label="Error">
              <h3 className="mb-1 font-medium">Error</h3>
              <p className="text-red-700 dark:text-red-300">{row.error}</p>
            </section>
          ) : null}
          {row.traceback ? (
            <section aria-label="Traceback">
              <h3 className="mb-1 font-medium">Traceback</h3>
              <pre tabIndex={0} className="overflow-x-auto rounded-md bg-zinc-950 p-3 text-xs text-zinc-100">
                {row.traceback}
              </pre>
            </section>
          ) : null}
          <section aria-label="Log">
            <h3 className="mb-1 font-medium">Log</h3>
            <pre
              tabIndex={0}
              className="min-h-24 overflow-x-auto whitespace-pre-wrap rounded-md bg-zinc-950 p-3 text-xs text-zinc-100"
              aria-busy={log === null}
            >
              {log ?? "Loading…"}
            </pre>
          </section>
        </div>
      </div>
    </div>
  );
}
