/** "4s", "3m 12s", "2h 5m": short enough for a table cell. */
export function formatDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined) return "—";
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${s % 60}s`;
  return `${Math.floor(s / 3600)}h ${Math.floor((s % 3600) / 60)}m`;
}

const short = new Intl.DateTimeFormat("en", {
  month: "short",
  day: "numeric",
  hour: "2-digit",
  minute: "2-digit",
  second: "2-digit",
  hourCycle: "h23",
  timeZone: "UTC",
});
const withYear = new Intl.DateTimeFormat("en", {
  month: "short",
  day: "numeric",
  year: "numeric",
  hour: "2-digit",
  minute: "2-digit",
  hourCycle: "h23",
  timeZone: "UTC",
});
const thisYear = new Intl.DateTimeFormat("en", {
  month: "short",
  day: "numeric",
  hour: "2-digit",
  minute: "2-digit",
  hourCycle: "h23",
  timeZone: "UTC",
});

/** "Nov 21, 13:52:07 UTC": a stage of a job, to the second. */
export function formatStageTime(d: Date | string | null | undefined): string {
  return d ? `${short.format(new Date(d))} UTC` : "—";
}

/** "Nov 21, 13:52" (the year only when it is not this one): compact enough for a table cell (UTC). */
export function formatSubmitted(d: Date | string): string {
  const date = new Date(d);
  return (date.getUTCFullYear() === new Date().getUTCFullYear() ? thisYear : withYear).format(date);
}
