"use client";

import Link from "next/link";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import type { ReactNode } from "react";
import { tableFeatures, useTable, type ColumnDef, type RowData } from "@tanstack/react-table";
import { cn } from "@/components/ui/cn";

export const features = tableFeatures({});
export type Columns<T extends RowData> = ColumnDef<typeof features, T, any>[];

/** A column's own classes on its header and cells, e.g. `{ meta: { className: "hidden xl:table-cell" } }` for a wide screen only. */
const columnClass = (column: { columnDef: { meta?: unknown } }) => (column.columnDef.meta as { className?: string } | undefined)?.className;

export interface PageInfo {
  page: number;
  perPage: number;
  count: number;
  totalPages: number;
}

function useHref() {
  const pathname = usePathname();
  const params = useSearchParams();
  return (changes: Record<string, string | null>) => {
    const next = new URLSearchParams(params.toString());
    for (const [k, v] of Object.entries(changes)) {
      if (v === null) next.delete(k);
      else next.set(k, v);
    }
    const qs = next.toString();
    return qs ? `${pathname}?${qs}` : pathname;
  };
}

/**
 * The one table of the dashboard. Rows arrive already paged, sorted and filtered by the server;
 * sorting and paging change the URL's search params, which the page parses with zod.
 */
export function DataTable<T extends RowData>({
  columns,
  data,
  pageInfo,
  sortable = {},
  defaultSort,
  label,
  empty,
  pageSizes,
}: {
  columns: Columns<T>;
  data: T[];
  pageInfo?: PageInfo;
  /** column id -> the `sort` value the server understands */
  sortable?: Record<string, string>;
  /** the order the server uses when the URL names none, so the first click on that column reverses it */
  defaultSort?: { key: string; dir: "asc" | "desc" };
  label: string;
  empty: ReactNode;
  /** offer these page sizes (the `perPage` param) beside the page numbers */
  pageSizes?: number[];
}) {
  const table = useTable({ features, columns, data });
  const href = useHref();
  const params = useSearchParams();
  const sort = params.get("sort") ?? defaultSort?.key;
  const dir = (params.get("dir") ?? (params.get("sort") ? "asc" : defaultSort?.dir)) === "desc" ? "desc" : "asc";

  if (data.length === 0) return <>{empty}</>;

  return (
    <div>
      {/* Focusable, so a keyboard can scroll a table wider than the screen (axe: scrollable-region-focusable). */}
      <div className="overflow-x-auto" tabIndex={0} role="region" aria-label={`${label} table`}>
        <table className="w-full text-left text-sm" aria-label={label}>
          <thead className="border-b border-zinc-200 bg-zinc-50 text-xs uppercase tracking-wide text-zinc-500 dark:border-zinc-800 dark:bg-zinc-900/50">
            {table.getHeaderGroups().map((group) => (
              <tr key={group.id}>
                {group.headers.map((header) => {
                  const sortKey = sortable[header.column.id];
                  const active = sortKey && sort === sortKey;
                  return (
                    <th
                      key={header.id}
                      scope="col"
                      className={cn("px-3 py-2.5 font-medium xl:px-4", columnClass(header.column))}
                      aria-sort={active ? (dir === "asc" ? "ascending" : "descending") : undefined}
                    >
                      {header.isPlaceholder ? null : sortKey ? (
                        <Link
                          href={href({ sort: sortKey, dir: active && dir === "asc" ? "desc" : "asc", page: null })}
                          className="inline-flex items-center gap-1 hover:text-zinc-900 dark:hover:text-zinc-100"
                        >
                          <table.FlexRender header={header} />
                          <span aria-hidden className={cn(!active && "opacity-30")}>
                            {active && dir === "desc" ? "↓" : "↑"}
                          </span>
                        </Link>
                      ) : (
                        <table.FlexRender header={header} />
                      )}
                    </th>
                  );
                })}
              </tr>
            ))}
          </thead>
          <tbody className="divide-y divide-zinc-100 dark:divide-zinc-800">
            {table.getRowModel().rows.map((row) => (
              <tr key={row.id} className="hover:bg-zinc-50 dark:hover:bg-zinc-800/40">
                {row.getAllCells().map((cell) => (
                  <td key={cell.id} className={cn("px-3 py-3 align-middle xl:px-4", columnClass(cell.column))}>
                    <table.FlexRender cell={cell} />
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {pageInfo && (pageInfo.totalPages > 1 || (pageSizes && pageInfo.count > pageSizes[0])) ? (
        <nav
          className="flex flex-wrap items-center justify-between gap-3 border-t border-zinc-200 px-4 py-3 text-sm dark:border-zinc-800"
          aria-label="Pagination"
        >
          <span className="text-zinc-600 dark:text-zinc-400">
            {(pageInfo.page - 1) * pageInfo.perPage + 1}–{Math.min(pageInfo.page * pageInfo.perPage, pageInfo.count)} of {pageInfo.count}
          </span>
          <div className="flex flex-wrap items-center gap-2">
            {pageSizes ? <PageSize sizes={pageSizes} value={pageInfo.perPage} href={href} /> : null}
            <PageLink disabled={pageInfo.page <= 1} href={href({ page: String(pageInfo.page - 1) })} label="Previous page">
              Previous
            </PageLink>
            {pageNumbers(pageInfo.page, pageInfo.totalPages).map((n, i) =>
              n === null ? (
                <span key={`gap-${i}`} aria-hidden className="px-1 text-zinc-500">
                  …
                </span>
              ) : n === pageInfo.page ? (
                <span key={n} aria-current="page" className="rounded-md bg-brand-600 px-3 py-1.5 font-medium tabular-nums text-white">
                  <span className="sr-only">Page </span>
                  {n}
                </span>
              ) : (
                <Link
                  key={n}
                  href={href({ page: String(n) })}
                  aria-label={`Page ${n}`}
                  className="rounded-md border border-zinc-300 px-3 py-1.5 tabular-nums hover:bg-zinc-50 dark:border-zinc-700 dark:hover:bg-zinc-800"
                >
                  {n}
                </Link>
              ),
            )}
            <PageLink disabled={pageInfo.page >= pageInfo.totalPages} href={href({ page: String(pageInfo.page + 1) })} label="Next page">
              Next
            </PageLink>
          </div>
        </nav>
      ) : null}
    </div>
  );
}

/** 1 … 4 5 [6] 7 8 … 5000: the first, the last, and two either side of the current page. */
export function pageNumbers(page: number, total: number): (number | null)[] {
  const shown = new Set([1, total, page - 2, page - 1, page, page + 1, page + 2].filter((n) => n >= 1 && n <= total));
  const sorted = [...shown].sort((a, b) => a - b);
  const out: (number | null)[] = [];
  for (const n of sorted) {
    if (out.length && n - (out[out.length - 1] as number) > 1) out.push(null);
    out.push(n);
  }
  return out;
}

function PageSize({ sizes, value, href }: { sizes: number[]; value: number; href: (c: Record<string, string | null>) => string }) {
  const router = useRouter();
  return (
    <label className="flex items-center gap-1.5 text-zinc-600 dark:text-zinc-400">
      Rows per page
      <select
        className="h-8 rounded-md border border-zinc-300 bg-white px-2 text-sm text-zinc-900 dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-100"
        value={value}
        onChange={(e) => router.replace(href({ perPage: e.target.value, page: null }))}
      >
        {[...new Set([...sizes, value])]
          .sort((a, b) => a - b)
          .map((n) => (
            <option key={n} value={n}>
              {n}
            </option>
          ))}
      </select>
    </label>
  );
}

function PageLink({ disabled, href, label, children }: { disabled: boolean; href: string; label: string; children: ReactNode }) {
  const cls = "rounded-md border border-zinc-300 px-3 py-1.5 dark:border-zinc-700";
  return disabled ? (
    <span className={cn(cls, "cursor-not-allowed opacity-40")} aria-disabled="true">
      {children}
    </span>
  ) : (
    <Link className={cn(cls, "hover:bg-zinc-50 dark:hover:bg-zinc-800")} href={href} aria-label={label}>
      {children}
    </Link>
  );
}
