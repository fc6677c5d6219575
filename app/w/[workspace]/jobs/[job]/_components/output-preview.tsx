"use client";

import { createColumnHelper } from "@tanstack/react-table";
import { DataTable, features } from "@/components/data-table/data-table";
import { EmptyState } from "@/components/ui/card";

type Row = string[];
const col = createColumnHelper<typeof features, Row>();

/** The first rows of the predictions file, columns from its header. */
export function OutputPreview({ columns, rows }: { columns: string[]; rows: string[][] }) {
  const defs = col.columns(
    columns.map((name, i) =>
      col.accessor((r) => r[i] ?? "", {
        id: `c${i}`,
        header: name || `column ${i + 1}`,
        cell: (c) => <span className="whitespace-nowrap">{c.getValue()}</span>,
      }),
    ),
  );
  return (
    <DataTable
      label="Output preview"
      columns={defs}
      data={rows}
      empty={<EmptyState title="No rows">The predictions file has a header but no rows yet.</EmptyState>}
    />
  );
}
