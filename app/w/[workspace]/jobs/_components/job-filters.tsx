"use client";

import Link from "next/link";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useEffect, useState, type ReactNode } from "react";
import { JOB_STATUSES } from "@/shared/job-status";

const control = "block h-9 w-full rounded-md border border-zinc-300 bg-white px-2.5 py-1.5 text-sm dark:border-zinc-700 dark:bg-zinc-900";

/** Filters bound to the URL's search params; the server filters and pages. */
export function JobFilters({ endpoints, submitters }: { endpoints: string[]; submitters: { id: string; label: string }[] }) {
  const router = useRouter();
  const pathname = usePathname();
  const urlParams = useSearchParams();
  // Changes made before the URL catches up build on each other instead of on a stale URL.
  const [pending, setPending] = useState<URLSearchParams | null>(null);
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new URL is the signal to drop the pending change
  useEffect(() => setPending(null), [urlParams]);
  const params = pending ?? urlParams;
  const set = (key: string, value: string) => {
    const next = new URLSearchParams(params.toString());
    if (value) next.set(key, value);
    else next.delete(key);
    next.delete("page");
    setPending(next);
    const qs = next.toString();
    router.replace(qs ? `${pathname}?${qs}` : pathname);
  };
  const active = ["status", "endpoint", "submitter", "from", "to", "q", "tag"].some((k) => params.get(k));
  // The search box updates the URL a moment after typing stops, not on every key.
  const [q, setQ] = useState(urlParams.get("q") ?? "");
  // biome-ignore lint/correctness/useExhaustiveDependencies: only typing (q) schedules the update; the URL it reads is the latest
  useEffect(() => {
    if (q === (urlParams.get("q") ?? "")) return;
    const t = setTimeout(() => set("q", q.trim()), 300);
    return () => clearTimeout(t);
  }, [q]);
  return (
    <div className="grid grid-cols-2 gap-3 sm:grid-cols-3 lg:grid-cols-[repeat(6,minmax(0,1fr))_auto] lg:items-end">
      <Filter label="Search">
        <input
          type="search"
          aria-label="Search jobs by name"
          placeholder="Name or tag=value"
          className={control}
          value={q}
          onChange={(e) => setQ(e.target.value)}
        />
      </Filter>
      <Filter label="Status">
        <select aria-label="Status" className={control} value={params.get("status") ?? ""} onChange={(e) => set("status", e.target.value)}>
          <option value="">Any status</option>
          {JOB_STATUSES.map((s) => (
            <option key={s} value={s}>
              {s.replace(/_/g, " ")}
            </option>
          ))}
        </select>
      </Filter>
      <Filter label="Endpoint">
        <select
          aria-label="Endpoint"
          className={control}
          value={params.get("endpoint") ?? ""}
          onChange={(e) => set("endpoint", e.target.value)}
        >
          <option value="">Any endpoint</option>
          {[...new Set([...endpoints, params.get("endpoint") ?? ""])].filter(Boolean).map((e) => (
            <option key={e} value={e}>
              {e}
            </option>
          ))}
        </select>
      </Filter>
      <Filter label="Submitted by">
        <select
          aria-label="Submitted by"
          className={control}
          value={params.get("submitter") ?? ""}
          onChange={(e) => set("submitter", e.target.value)}
        >
          <option value="">Anyone</option>
          {submitters.map((s) => (
            <option key={s.id} value={s.id}>
              {s.label}
            </option>
          ))}
        </select>
      </Filter>
      <Filter label="Submitted from">
        <input
          type="date"
          aria-label="Submitted from"
          className={control}
          value={params.get("from") ?? ""}
          max={params.get("to") ?? undefined}
          onChange={(e) => set("from", e.target.value)}
        />
      </Filter>
      <Filter label="Submitted until">
        <input
          type="date"
          aria-label="Submitted until"
          className={control}
          value={params.get("to") ?? ""}
          min={params.get("from") ?? undefined}
          onChange={(e) => set("to", e.target.value)}
        />
      </Filter>
      <div className="flex items-end">
        {params.get("tag") ? (
          <span className="mr-3 py-1.5 text-sm text-zinc-700 dark:text-zinc-300">
            Tagged <span className="font-mono">{params.get("tag")}</span>
          </span>
        ) : null}
        {active ? (
          <Link href={pathname} onClick={() => setQ("")} className="py-1.5 text-sm text-brand-700 hover:underline dark:text-brand-300">
            Clear filters
          </Link>
        ) : null}
      </div>
    </div>
  );
}

function Filter({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="space-y-1">
      <span aria-hidden className="block text-xs font-medium text-zinc-600 dark:text-zinc-400">
        {label}
      </span>
      {children}
    </div>
  );
}
