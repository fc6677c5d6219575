"use client";

import { createColumnHelper } from "@tanstack/react-table";
import { DataTable, features, type PageInfo } from "@/components/data-table/data-table";
import { EmptyState } from "@/components/ui/card";
import { formatDateTime } from "@/components/ui/format";

interface AuditRow {
  id: string;
  action: string;
  actor: string;
  target: string;
  details: string;
  createdAt: Date;
}

const col = createColumnHelper<typeof features, AuditRow>();
const columns = col.columns([
  col.accessor("createdAt", { header: "When", cell: (c) => <span className="whitespace-nowrap">{formatDateTime(c.getValue())}</span> }),
  col.accessor("actor", { header: "Who" }),
  col.accessor("action", { header: "Action", cell: (c) => <span className="font-mono text-xs">{c.getValue()}</span> }),
  col.accessor("details", {
    header: "Details",
    cell: (c) => <span className="font-mono text-xs text-zinc-500">{c.getValue() === "{}" ? "" : c.getValue()}</span>,
  }),
]);

export function AuditTable({ data, pageInfo }: { data: AuditRow[]; pageInfo: PageInfo }) {
  return (
    <DataTable
      label="Audit log"
      columns={columns}
      data={data}
      pageInfo={pageInfo}
      empty={<EmptyState title="Nothing recorded yet">Changes to members, tokens and datastores appear here.</EmptyState>}
    />
  );
}
