import { z } from "zod";
import type { RowFormat } from "../inputs/types";

/**
 * Row controls of tabular (CSV) and jsonl input, with DataRobot's Batch Prediction API names:
 * passthrough columns joined by the platform, CSV dialect and encoding, renamed or dropped output
 * columns and a per-row status. See docs/tabular.md and docs/decisions/0021.
 */

/** Encodings a CSV may be read and written in; keys as people type them (case and '-'/'_' ignored). */
const ENCODINGS = {
  "utf-8": "utf-8",
  utf8: "utf-8",
  "utf-16": "utf-16",
  utf16: "utf-16",
  "utf-16le": "utf-16",
  "latin-1": "latin-1",
  latin1: "latin-1",
  "iso-8859-1": "latin-1",
  cp1252: "cp1252",
  "windows-1252": "cp1252",
} as const;
export type CsvEncoding = (typeof ENCODINGS)[keyof typeof ENCODINGS];
export const ENCODING_NAMES = ["utf-8", "utf-16", "latin-1", "cp1252"] as const;

const oneChar = (what: string) =>
  z
    .string()
    .transform((v) => (v.toLowerCase() === "tab" || v === "\\t" ? "\t" : v))
    .refine((v) => v.length === 1 && v !== "\n" && v !== "\r", `${what} is one character (use "tab" or "\\t" for a tab).`);

export const csvSettingsSchema = z
  .object({
    delimiter: oneChar("The delimiter").optional(),
    quotechar: oneChar("The quote character").optional(),
    encoding: z
      .string()
      .transform((v) => v.trim().toLowerCase().replace(/_/g, "-"))
      .refine((v) => v in ENCODINGS, `Use one of the encodings ${ENCODING_NAMES.join(", ")}.`)
      .transform((v) => ENCODINGS[v as keyof typeof ENCODINGS])
      .optional(),
  })
  .superRefine((v, ctx) => {
    if (v.delimiter && v.quotechar && v.delimiter === v.quotechar)
      ctx.addIssue({ code: "custom", path: ["quotechar"], message: "The quote character must differ from the delimiter." });
  });

const columnName = z.string().trim().min(1, "Column names are not empty.").max(256);

/** The fields an invoke body takes for row controls (spread into invokeJobSchema). */
export const rowOptionsShape = {
  passthroughColumns: z.array(columnName).min(1, "Name at least one column, or leave passthroughColumns out.").max(1000).optional(),
  passthroughColumnsSet: z.literal("all", { error: 'The only value is "all" (every input column).' }).optional(),
  csvSettings: csvSettingsSchema.optional(),
  columnNamesRemapping: z.record(columnName, columnName.nullable()).optional(),
  includePredictionStatus: z.boolean().optional(),
};

export type RowOptionsInput = { [K in keyof typeof rowOptionsShape]?: z.input<(typeof rowOptionsShape)[K]> };
type RowOptionsParsed = { [K in keyof typeof rowOptionsShape]?: z.output<(typeof rowOptionsShape)[K]> };

/** The row controls as stored on the job (`inputs.data.options`), defaults filled in; read back by lib/jobs/job-snapshot.ts. */
export const rowOptionsSchema = z.object({
  passthrough: z.union([z.array(z.string()), z.literal("all")]).nullable(),
  delimiter: z.string(),
  quotechar: z.string(),
  encoding: z.enum(ENCODING_NAMES),
  remap: z.record(z.string(), z.string().nullable()),
  includeStatus: z.boolean(),
});
export type RowOptions = z.infer<typeof rowOptionsSchema>;

export const STATUS_COLUMN = "prediction_status";
/** A list result (one element per row) becomes this column. */
export const PREDICTION_COLUMN = "prediction";
/** A jsonl line's key, carried to its output line when present (the OpenAI/Anthropic batch shape). */
export const JSONL_KEY = "custom_id";

/**
 * Checks the combination of row controls for an input of `input.type`, whose module reads its rows as
 * `input.format` (none: it takes no row controls); `input.takers` lists the kinds that do, for the message.
 */
export function rowOptionProblems(
  v: RowOptionsParsed,
  input: { type: string | undefined; format: RowFormat | undefined; takers: string },
): [string, string][] {
  const problems: [string, string][] = [];
  const given = (Object.keys(rowOptionsShape) as (keyof RowOptionsParsed)[]).filter((k) => v[k] !== undefined);
  if (given.length && !input.format)
    for (const k of given)
      problems.push([k, `${k} applies to ${input.takers} input only; this job's input is ${input.type ?? "not given"}.`]);
  if (v.passthroughColumns && v.passthroughColumnsSet)
    problems.push(["passthroughColumnsSet", "Give passthroughColumns or passthroughColumnsSet, not both."]);
  if (input.format === "jsonl" && v.csvSettings)
    problems.push(["csvSettings", "csvSettings applies to CSV (tabular) input; JSON Lines are always UTF-8, one JSON object per line."]);
  if (v.passthroughColumns) {
    const seen = new Set<string>();
    for (const c of v.passthroughColumns) {
      if (seen.has(c)) problems.push(["passthroughColumns", `The column ${c} is named twice.`]);
      seen.add(c);
    }
  }
  return problems;
}

/** True when the job shapes its output rows itself (any row control, or rows read as JSON lines). */
export function rowOptionsGiven(v: RowOptionsParsed, format: RowFormat | undefined): boolean {
  return format === "jsonl" || (Object.keys(rowOptionsShape) as (keyof RowOptionsParsed)[]).some((k) => v[k] !== undefined);
}

export function toRowOptions(v: RowOptionsParsed): RowOptions {
  return {
    passthrough: v.passthroughColumnsSet === "all" ? "all" : (v.passthroughColumns ?? null),
    delimiter: v.csvSettings?.delimiter ?? ",",
    quotechar: v.csvSettings?.quotechar ?? '"',
    encoding: v.csvSettings?.encoding ?? "utf-8",
    remap: v.columnNamesRemapping ?? {},
    includeStatus: v.includePredictionStatus ?? false,
  };
}

/** The row controls in the invoke body's words, for the API and the dashboard. */
export function presentRowOptions(o: RowOptions | undefined, format: RowFormat | undefined) {
  if (!o) return null;
  return {
    ...(o.passthrough === "all" ? { passthroughColumnsSet: "all" } : o.passthrough ? { passthroughColumns: o.passthrough } : {}),
    // JSON Lines have no dialect: UTF-8, one object per line.
    csvSettings:
      format === "jsonl" ? null : { delimiter: o.delimiter === "\t" ? "tab" : o.delimiter, quotechar: o.quotechar, encoding: o.encoding },
    columnNamesRemapping: o.remap,
    includePredictionStatus: o.includeStatus,
  };
}

/** The row controls as invoke body fields, only those that differ from the defaults (a re-run sends them again). */
export function rowOptionsBody(o: RowOptions | undefined, format: RowFormat | undefined): Record<string, unknown> {
  if (!o) return {};
  const csv = {
    ...(o.delimiter !== "," ? { delimiter: o.delimiter } : {}),
    ...(o.quotechar !== '"' ? { quotechar: o.quotechar } : {}),
    ...(o.encoding !== "utf-8" ? { encoding: o.encoding } : {}),
  };
  return {
    ...(o.passthrough === "all" ? { passthroughColumnsSet: "all" } : o.passthrough ? { passthroughColumns: o.passthrough } : {}),
    ...(format !== "jsonl" && Object.keys(csv).length ? { csvSettings: csv } : {}),
    ...(Object.keys(o.remap).length ? { columnNamesRemapping: o.remap } : {}),
    ...(o.includeStatus ? { includePredictionStatus: true } : {}),
  };
}

/** csv-parse's `encoding` (a Node Buffer encoding): single-byte encodings are read byte for byte. */
export function parserEncoding(e: CsvEncoding): BufferEncoding {
  return e === "utf-8" ? "utf8" : e === "utf-16" ? "utf16le" : "latin1";
}

/** iconv-lite's name for decoding and encoding. */
export function iconvName(e: CsvEncoding): string {
  return e === "utf-16" ? "utf-16le" : e === "latin-1" ? "iso-8859-1" : e === "cp1252" ? "windows-1252" : "utf-8";
}

/** How the CSV splitter reads a job's input: its delimiter, quote and encoding (undefined: plain UTF-8 CSV). */
export function csvDialectOf(o: RowOptions | undefined) {
  return o && { delimiter: o.delimiter, quote: o.quotechar, encoding: parserEncoding(o.encoding), decodeAs: iconvName(o.encoding) };
}
