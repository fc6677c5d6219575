/** Prints rows as aligned columns under upper-case headers, like `az ... -o table`. */
export function printTable<T>(rows: T[], columns: [header: string, value: (row: T) => unknown][]) {
  const cells = rows.map((r) => columns.map(([, f]) => formatCell(f(r))));
  const headers = columns.map(([h]) => h.toUpperCase());
  const widths = headers.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const line = (values: string[]) =>
    values
      .map((v, i) => (i === values.length - 1 ? v : v.padEnd(widths[i])))
      .join("  ")
      .trimEnd();
  console.log(line(headers));
  for (const c of cells) console.log(line(c));
}

function formatCell(v: unknown): string {
  if (v === null || v === undefined || v === "") return "-";
  if (typeof v === "object")
    return (
      Object.entries(v as Record<string, unknown>)
        .map(([k, x]) => `${k}=${String(x)}`)
        .join(",") || "-"
    );
  return String(v).replace(/\s+/g, " ");
}

export function printJson(value: unknown) {
  console.log(JSON.stringify(value, null, 2));
}

/** "key: value" lines for a show command; nested objects are indented. */
export function printFields(fields: [string, unknown][]) {
  const width = Math.max(...fields.map(([k]) => k.length)) + 1;
  for (const [k, v] of fields) {
    if (v === undefined) continue;
    console.log(`${`${k}:`.padEnd(width)} ${formatCell(v)}`);
  }
}

export function formatDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return "-";
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, "0")}m`;
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ["KiB", "MiB", "GiB", "TiB"];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[i]}`;
}

export function formatDate(v: unknown): string {
  if (typeof v !== "string") return "-";
  return v.replace("T", " ").replace(/\.\d+Z$/, "Z");
}
