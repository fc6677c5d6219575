"use client";

import { Boxes, CalendarClock, Database, ListChecks, Network, Settings } from "lucide-react";
import Link from "next/link";
import { usePathname } from "next/navigation";
import { cn } from "@/components/ui/cn";

const ITEMS = [
  { href: "endpoints", label: "Endpoints", icon: Network },
  { href: "jobs", label: "Jobs", icon: ListChecks },
  { href: "job-definitions", label: "Job definitions", icon: CalendarClock },
  { href: "models", label: "Models", icon: Boxes },
  { href: "datastores", label: "Datastores", icon: Database },
  { href: "settings", label: "Settings", icon: Settings },
];

export function SidebarNav({ slug }: { slug: string }) {
  const pathname = usePathname();
  return (
    <nav aria-label="Workspace" className="flex flex-row gap-1 overflow-x-auto lg:flex-col">
      {ITEMS.map((item) => {
        const href = `/w/${slug}/${item.href}`;
        const active = pathname === href || pathname.startsWith(`${href}/`);
        return (
          <Link
            key={item.href}
            href={href}
            aria-current={active ? "page" : undefined}
            className={cn(
              "flex items-center gap-2.5 whitespace-nowrap rounded-md px-3 py-2 text-sm font-medium",
              active
                ? "bg-brand-50 text-brand-700 dark:bg-brand-500/10 dark:text-brand-100"
                : "text-zinc-600 hover:bg-zinc-100 hover:text-zinc-900 dark:text-zinc-400 dark:hover:bg-zinc-800 dark:hover:text-zinc-100",
            )}
          >
            <item.icon aria-hidden className="size-4 shrink-0" strokeWidth={1.75} />
            {item.label}
          </Link>
        );
      })}
    </nav>
  );
}
