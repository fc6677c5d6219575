"use client";

import Link from "next/link";
import { useMemo, type ReactNode } from "react";
import { createColumnHelper } from "@tanstack/react-table";
import { DataTable, features, type PageInfo } from "@/components/data-table/data-table";
import { RelativeTime } from "@/components/ui/relative-time";

export interface ModelRow {
  id: string;
  name: string;
  description: string | null;
  latestVersion: string | null;
  versionCount: number;
  updatedAt: Date;
}

const col = createColumnHelper<typeof features, ModelRow>();
const columnsFor = (slug: string) =>
  col.columns([
    col.accessor("name", {
      header: "Name",
      cell: (c) => (
        <Link className="font-medium text-brand-600 hover:underline" href={`/w/${slug}/models/${c.getValue()}`}>
          {c.getValue()}
        </Link>
      ),
    }),
    col.accessor("latestVersion", { header: "Latest version" }),
    col.accessor("versionCount", { header: "Versions" }),
    col.accessor("updatedAt", { header: "Updated", cell: (c) => <RelativeTime date={c.getValue()} /> }),
  ]);

export function ModelsTable({ slug, data, pageInfo, empty }: { slug: string; data: ModelRow[]; pageInfo: PageInfo; empty: ReactNode }) {
  const columns = useMemo(() => columnsFor(slug), [slug]);
  return <DataTable label="Models" columns={columns} data={data} pageInfo={pageInfo} empty={empty} />;
}
