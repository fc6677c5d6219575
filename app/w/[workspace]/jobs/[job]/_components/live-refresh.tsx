"use client";

import { useRouter } from "next/navigation";
import { useEffect } from "react";

/** Re-renders the server page every 2 s while the job can still change; stops once it is final. */
export function LiveRefresh({ active, intervalMs = 2000 }: { active: boolean; intervalMs?: number }) {
  const router = useRouter();
  useEffect(() => {
    if (!active) return;
    const t = setInterval(() => {
      // A hidden tab does not need fresh numbers.
      if (document.visibilityState === "visible") router.refresh();
    }, intervalMs);
    return () => clearInterval(t);
  }, [active, intervalMs, router]);
  if (!active) return null;
  return (
    <span className="inline-flex items-center gap-1.5 text-xs text-zinc-500" role="status">
      <span aria-hidden className="h-2 w-2 motion-safe:animate-pulse rounded-full bg-brand-500" />
      Updating live
    </span>
  );
}
