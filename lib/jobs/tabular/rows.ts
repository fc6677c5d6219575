import { parse as parseCsv } from "csv-parse/sync";
import { stringify } from "csv-stringify/sync";
import iconv from "iconv-lite";
import { iconvName, JSONL_KEY, PREDICTION_COLUMN, type RowOptions, STATUS_COLUMN } from "./options";
import { parseJsonLines } from "./split-jsonl";
import type { RowFormat } from "../inputs/types";

/** A row input as the platform shapes it: how its rows are read (its module's rowFormat), header columns, row controls. */
export interface RowInput {
  format: RowFormat;
  columns?: string[];
  options: RowOptions;
}

/** The input columns carried to the output, in input order. */
export function carriedColumns(data: RowInput): string[] {
  const cols = data.columns ?? [];
  const p = data.options.passthrough;
  if (p === "all") return cols;
  if (!p) return [];
  return cols.filter((c) => p.includes(c));
}

/** Named passthrough columns the input does not have. */
export function missingColumns(options: RowOptions, columns: string[]): string[] {
  return Array.isArray(options.passthrough) ? options.passthrough.filter((c) => !columns.includes(c)) : [];
}

/** The sentence for passthrough columns the input lacks (a 400 at invoke, a failed job at planning). */
export function missingColumnsMessage(missing: string[], columns: string[], what: string): string {
  const list = columns.length > 12 ? `${columns.slice(0, 12).join(", ")}, …` : columns.join(", ");
  return `The ${what} has no column${missing.length === 1 ? "" : "s"} ${missing.join(", ")}; its columns are ${list || "(none)"}. Fix passthroughColumns, or use passthroughColumnsSet: "all".`;
}

function csvOptions(o: RowOptions) {
  return { delimiter: o.delimiter, quote: o.quotechar, escape: o.quotechar };
}

/** One mini-batch's rows: what the worker reads (UTF-8, standard CSV with header / JSON Lines) and the carried values. */
export interface PreparedRows {
  kind: "tabular" | "jsonl";
  workerText: string;
  rows: number;
  /** Per row: the carried values (CSV: in carriedColumns order; jsonl: an object with custom_id first). */
  carried: (string[] | Record<string, unknown>)[];
  /** The first row whose field count differs from the header's, as a sentence (CSV only). */
  ragged: string | null;
}

/** Decodes a mini-batch's byte range with the job's encoding and dialect and re-writes it for the worker. */
export function prepareRows(raw: Buffer, data: RowInput, firstRow: number): PreparedRows {
  if (data.format === "jsonl") {
    const objects = parseJsonLines(raw.toString("utf8"));
    const p = data.options.passthrough;
    const carried = objects.map((o) => {
      const keys = [...(JSONL_KEY in o ? [JSONL_KEY] : []), ...(p === "all" ? Object.keys(o) : (p ?? []))];
      return Object.fromEntries([...new Set(keys)].map((k) => [k, o[k] ?? null]));
    });
    return {
      kind: "jsonl",
      workerText: objects.map((o) => `${JSON.stringify(o)}\n`).join(""),
      rows: objects.length,
      carried,
      ragged: null,
    };
  }
  const columns = data.columns ?? [];
  const text = iconv.decode(raw, iconvName(data.options.encoding));
  const records = parseCsv(text, { ...csvOptions(data.options), relax_column_count: true, skip_empty_lines: true }) as string[][];
  let ragged: string | null = null;
  records.forEach((r, i) => {
    if (!ragged && r.length !== columns.length)
      ragged = `Row ${firstRow + i} has ${r.length} field${r.length === 1 ? "" : "s"}; the header has ${columns.length}`;
  });
  const idx = carriedColumns(data).map((c) => columns.indexOf(c));
  return {
    kind: "tabular",
    workerText: stringify([columns, ...records], { record_delimiter: "\n" }),
    rows: records.length,
    carried: records.map((r) => idx.map((i) => r[i] ?? "")),
    ragged,
  };
}

/** What run() returned for a mini-batch (MiniBatchSuccess's fields). */
export interface RowResult {
  format: "dataframe" | "list";
  header?: string;
  body: string;
  count: number;
}

type Source = { kind: "carried"; i: number } | { kind: "result"; name: string } | { kind: "status" };

function resultTable(result: RowResult): { names: string[]; rows: string[][] } {
  if (result.format === "dataframe" && result.header) {
    const parsed = parseCsv(`${result.header}\n${result.body}`, { relax_column_count: true }) as string[][];
    return { names: parsed[0] ?? [], rows: parsed.slice(1) };
  }
  const lines = result.body ? result.body.replace(/\n$/, "").split("\n") : [];
  return { names: [PREDICTION_COLUMN], rows: lines.map((l) => [l]) };
}

function remapped(o: RowOptions, name: string): string | null {
  return name in o.remap ? o.remap[name] : name;
}

/** The output's columns: carried ones (input order), run()'s (a copy of a carried column dropped), the status; remapped. */
function layout(data: RowInput, resultNames: string[]): { names: string[]; sources: Source[] } {
  const carried = carriedColumns(data);
  const all: [string, Source][] = [
    ...carried.map((c, i) => [c, { kind: "carried", i }] as [string, Source]),
    ...resultNames.filter((n) => !carried.includes(n)).map((n) => [n, { kind: "result", name: n }] as [string, Source]),
    ...(data.options.includeStatus ? [[STATUS_COLUMN, { kind: "status" }] as [string, Source]] : []),
  ];
  const kept = all.map(([n, s]) => [remapped(data.options, n), s] as const).filter((x): x is [string, Source] => x[0] !== null);
  return { names: kept.map((k) => k[0]), sources: kept.map((k) => k[1]) };
}

/** A header line in the output's dialect, without line ending (kept on the job as outputHeader). */
export function headerLine(data: RowInput, names: string[]): string {
  return stringify([names], { ...csvOptions(data.options), record_delimiter: "\n" }).replace(/\n$/, "");
}

/** Text in the output's encoding; `bom`: the file's start (UTF-16 gets a byte order mark). */
export function encodeOutput(data: RowInput, text: string, bom = false): Buffer {
  if (data.format === "jsonl" || data.options.encoding === "utf-8") return Buffer.from(text, "utf8");
  return iconv.encode(text, iconvName(data.options.encoding), { addBOM: bom && data.options.encoding === "utf-16" });
}

function jsonValue(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function remapObject(o: RowOptions, obj: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) {
    const name = remapped(o, k);
    if (name !== null) out[name] = v;
  }
  return out;
}

const NO_RESULT = "run() returned no result for this row";

/**
 * A scored mini-batch's output block: each input row's carried values joined to run()'s result for it
 * (result i belongs to row i), in the job's dialect and encoding. Rows run() returned no result for
 * are written only with includePredictionStatus, with the reason as their status. `header` (CSV): the
 * output's header line.
 */
export function shapeScoredRows(data: RowInput, rows: PreparedRows, result: RowResult): { header: string | null; body: Buffer } {
  const o = data.options;
  const n = o.includeStatus ? rows.rows : Math.min(result.count, rows.rows);
  if (data.format === "jsonl") {
    const table = result.format === "dataframe" ? resultTable(result) : null;
    const lines = table ? [] : result.body ? result.body.replace(/\n$/, "").split("\n") : [];
    const out: string[] = [];
    for (let i = 0; i < n; i++) {
      const has = i < result.count;
      const response = !has
        ? null
        : table
          ? Object.fromEntries(table.names.map((k, j) => [k, table.rows[i]?.[j] ?? null]))
          : jsonValue(lines[i] ?? "");
      const line: Record<string, unknown> = {
        ...(rows.carried[i] as Record<string, unknown>),
        response,
        error: has ? null : { message: NO_RESULT },
      };
      if (o.includeStatus) line[STATUS_COLUMN] = has ? "OK" : NO_RESULT;
      out.push(`${JSON.stringify(remapObject(o, line))}\n`);
    }
    return { header: null, body: Buffer.from(out.join(""), "utf8") };
  }
  const table = resultTable(result);
  const { names, sources } = layout(data, table.names);
  const out: string[][] = [];
  for (let i = 0; i < n; i++) {
    const has = i < result.count;
    const carried = rows.carried[i] as string[];
    out.push(
      sources.map((s) =>
        s.kind === "carried"
          ? carried[s.i]
          : s.kind === "status"
            ? has
              ? "OK"
              : NO_RESULT
            : has
              ? (table.rows[i]?.[table.names.indexOf(s.name)] ?? "")
              : "",
      ),
    );
  }
  const body = out.length ? stringify(out, { ...csvOptions(o), record_delimiter: "\n" }) : "";
  return { header: headerLine(data, names), body: encodeOutput(data, body) };
}

/**
 * The output block of a mini-batch that failed (or whose run() returned nothing), for
 * includePredictionStatus: each row's carried values, empty results and the error as its status.
 * `outputHeader`: the header a scored mini-batch wrote, if any; without it the output has the
 * carried columns and the status only (returned as `header`).
 */
export function shapeFailedRows(
  data: RowInput,
  rows: PreparedRows,
  error: string,
  outputHeader: string | null,
): { header: string | null; body: Buffer } {
  const o = data.options;
  if (data.format === "jsonl") {
    const body = rows.carried
      .map((c) => {
        const line: Record<string, unknown> = { ...(c as Record<string, unknown>), response: null, error: { message: error } };
        if (o.includeStatus) line[STATUS_COLUMN] = error;
        return `${JSON.stringify(remapObject(o, line))}\n`;
      })
      .join("");
    return { header: null, body: Buffer.from(body, "utf8") };
  }
  const own = layout(data, []);
  const names = outputHeader
    ? ((parseCsv(outputHeader, { ...csvOptions(o), relax_column_count: true }) as string[][])[0] ?? [])
    : own.names;
  const byName = new Map(own.names.map((n, k) => [n, own.sources[k]]));
  const out = rows.carried.map((c) =>
    names.map((n) => {
      const s = byName.get(n);
      return !s ? "" : s.kind === "carried" ? (c as string[])[s.i] : s.kind === "status" ? error : "";
    }),
  );
  const body = out.length ? stringify(out, { ...csvOptions(o), record_delimiter: "\n" }) : "";
  return { header: outputHeader ? null : headerLine(data, names), body: encodeOutput(data, body) };
}
