"use client";

import Link from "next/link";
import { createColumnHelper } from "@tanstack/react-table";
import { describeAction, describeDetails, isKnownAction, resourceWord } from "@/components/audit/describe-audit";
import { DataTable, features, type PageInfo } from "@/components/data-table/data-table";
import { EmptyState } from "@/components/ui/card";
import { formatDateTime } from "@/components/ui/format";

export interface AuditRow {
  id: string;
  action: string;
  actor: { kind: "user" | "token" | "webhook" | "system"; label: string };
  target: { type: string; name: string | null; href: string | null; parent?: string | null };
  metadata: Record<string, unknown>;
  createdAt: Date;
}

const col = createColumnHelper<typeof features, AuditRow>();

function Target({ slug, action, target }: { slug: string; action: string; target: AuditRow["target"] }) {
  const word = isKnownAction(action) ? "" : resourceWord(target.type);
  const name = target.name ?? "(no name recorded)";
  const full = target.parent ? `${name} of endpoint ${target.parent}` : name;
  return (
    <span>
      {word ? <span className="text-zinc-600 dark:text-zinc-400">{word} </span> : null}
      {target.href ? (
        <Link className="font-medium text-brand-700 hover:underline dark:text-brand-300" href={`/w/${slug}${target.href}`}>
          {full}
        </Link>
      ) : (
        <span className="font-medium">
          {full}
          {target.name && target.type !== "invitation" && target.type !== "data_asset" ? (
            <span className="font-normal text-zinc-600 dark:text-zinc-400"> (no longer exists)</span>
          ) : null}
        </span>
      )}
    </span>
  );
}

export function AuditTable({ slug, data, pageInfo, filtered }: { slug: string; data: AuditRow[]; pageInfo: PageInfo; filtered: boolean }) {
  const columns = col.columns([
    col.accessor("createdAt", {
      header: "When",
      cell: (c) => <span className="lg:whitespace-nowrap">{formatDateTime(c.getValue())}</span>,
    }),
    col.accessor("actor", {
      header: "Who",
      cell: ({ row }) => {
        const a = row.original.actor;
        return a.kind === "token" ? (
          <span>
            <span className="text-zinc-600 dark:text-zinc-400">token </span>
            <span className="font-medium">{a.label}</span>
          </span>
        ) : (
          <span className={a.kind === "system" ? "text-zinc-600 dark:text-zinc-400" : undefined}>{a.label}</span>
        );
      },
    }),
    col.accessor("action", {
      header: "What",
      cell: ({ row }) => (
        <div className="wrap-anywhere">
          {describeAction(row.original.action)} <Target slug={slug} action={row.original.action} target={row.original.target} />
          <div className="font-mono text-xs text-zinc-600 dark:text-zinc-400">{row.original.action}</div>
        </div>
      ),
    }),
    col.accessor("metadata", {
      header: "Details",
      cell: ({ row }) => (
        <span className="wrap-anywhere text-zinc-700 dark:text-zinc-300">
          {describeDetails(row.original.action, row.original.metadata).join(" · ")}
        </span>
      ),
    }),
  ]);
  return (
    <DataTable
      label="Audit log"
      columns={columns}
      data={data}
      pageInfo={pageInfo}
      pageSizes={[20, 50, 100]}
      empty={
        filtered ? (
          <EmptyState title="No entries match these filters">Widen the time range or clear a filter.</EmptyState>
        ) : (
          <EmptyState title="Nothing recorded yet">Changes to members, tokens, endpoints, jobs and webhooks appear here.</EmptyState>
        )
      }
    />
  );
}
