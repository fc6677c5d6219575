"use client";

import Link from "next/link";
import { createColumnHelper } from "@tanstack/react-table";
import { DataTable, features } from "@/components/data-table/data-table";
import { Badge, EmptyState } from "@/components/ui/card";
import { RelativeTime } from "@/components/ui/relative-time";
import { AUTH_LABELS } from "@/lib/datastores/labels";

export interface DatastoreRow {
  id: string;
  name: string;
  auth: string;
  accountName: string | null;
  containerName: string;
  kind: "azure_blob" | "filesystem";
  isDefault: boolean;
  createdAt: Date;
}

const col = createColumnHelper<typeof features, DatastoreRow>();

export function DatastoresTable({ slug, data }: { slug: string; data: DatastoreRow[] }) {
  const columns = col.columns([
    col.accessor("name", {
      header: "Name",
      cell: (c) => (
        <span className="flex items-center gap-2">
          <Link className="font-medium text-brand-600 hover:underline" href={`/w/${slug}/datastores/${c.getValue()}`}>
            {c.getValue()}
          </Link>
          {c.row.original.isDefault ? <Badge tone="blue">default</Badge> : null}
        </span>
      ),
    }),
    col.accessor("kind", { header: "Kind", cell: (c) => (c.getValue() === "filesystem" ? "Folder on this server" : "Azure Blob") }),
    col.accessor("containerName", {
      header: "Container or folder",
      cell: (c) => <span className="font-mono text-xs">{c.getValue()}</span>,
    }),
    col.accessor("auth", {
      header: "Credentials",
      cell: (c) => (c.row.original.kind === "filesystem" ? "none (local)" : (AUTH_LABELS[c.getValue()] ?? c.getValue())),
    }),
    col.accessor("createdAt", { header: "Created", cell: (c) => <RelativeTime date={c.getValue()} /> }),
  ]);
  return (
    <DataTable
      label="Datastores"
      columns={columns}
      data={data}
      empty={<EmptyState title="No datastores">Every workspace gets workspaceblobstore when it is created.</EmptyState>}
    />
  );
}
