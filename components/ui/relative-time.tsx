"use client";

import { useEffect, useState } from "react";
import { formatDateTime, formatRelative } from "./format";

/**
 * "3 minutes ago" without a hydration mismatch: the server and the first client render show the
 * same absolute UTC time; the relative form replaces it after hydration and stays current.
 */
export function RelativeTime({ date, never = "never" }: { date: Date | string | null | undefined; never?: string }) {
  const [now, setNow] = useState<number | null>(null);
  useEffect(() => {
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), 30_000);
    return () => clearInterval(timer);
  }, []);
  if (!date) return <>{never}</>;
  const iso = new Date(date).toISOString();
  return (
    <time dateTime={iso} title={formatDateTime(date)}>
      {now === null ? formatDateTime(date) : formatRelative(date, now)}
    </time>
  );
}
