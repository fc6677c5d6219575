"use client";

import Link from "next/link";
import { useEffect, useRef, useState } from "react";

export function WorkspaceSwitcher({
  current,
  workspaces,
}: {
  current: { slug: string; name: string; role: string };
  workspaces: { slug: string; name: string; role: string }[];
}) {
  const [open, setOpen] = useState(false);
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const close = (e: MouseEvent) => ref.current && !ref.current.contains(e.target as Node) && setOpen(false);
    document.addEventListener("mousedown", close);
    return () => document.removeEventListener("mousedown", close);
  }, []);
  return (
    <div className="relative" ref={ref} onKeyDown={(e) => e.key === "Escape" && setOpen(false)}>
      <button
        type="button"
        aria-haspopup="menu"
        aria-expanded={open}
        onClick={() => setOpen((o) => !o)}
        className="flex w-full items-center justify-between gap-2 rounded-md border border-zinc-200 bg-white px-3 py-2 text-left text-sm shadow-sm hover:bg-zinc-50 dark:border-zinc-800 dark:bg-zinc-900 dark:hover:bg-zinc-800"
      >
        <span className="min-w-0">
          {/* The name is the visible text plus hidden words around it, so speech users can say what they see. */}
          <span className="block truncate font-medium">
            <span className="sr-only">Workspace: </span>
            {current.name}
          </span>
          <span className="block text-xs text-zinc-600 dark:text-zinc-400">{current.role}</span>
          <span className="sr-only">, switch workspace</span>
        </span>
        <span aria-hidden className="text-zinc-400">
          ▾
        </span>
      </button>
      {open ? (
        <div
          role="menu"
          className="absolute z-20 mt-1 w-full min-w-56 rounded-md border border-zinc-200 bg-white p-1 shadow-lg dark:border-zinc-800 dark:bg-zinc-900"
        >
          {workspaces.map((w) => (
            <Link
              key={w.slug}
              role="menuitem"
              href={`/w/${w.slug}/endpoints`}
              onClick={() => setOpen(false)}
              className="flex items-center justify-between rounded px-2.5 py-2 text-sm hover:bg-zinc-100 dark:hover:bg-zinc-800"
            >
              <span className="truncate">{w.name}</span>
              {w.slug === current.slug ? (
                <span>
                  <span aria-hidden>✓</span>
                  <span className="sr-only">current</span>
                </span>
              ) : (
                <span className="text-xs text-zinc-600 dark:text-zinc-400">{w.role}</span>
              )}
            </Link>
          ))}
          <div role="separator" className="my-1 border-t border-zinc-100 dark:border-zinc-800" />
          <Link
            role="menuitem"
            href="/new-workspace"
            className="block rounded px-2.5 py-2 text-sm text-brand-600 hover:bg-zinc-100 dark:hover:bg-zinc-800"
          >
            + New workspace
          </Link>
        </div>
      ) : null}
    </div>
  );
}
