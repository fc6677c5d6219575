import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { parse } from "csv-parse";
import iconv from "iconv-lite";

/** A run of whole CSV records: bytes [byteStart, byteEnd) of the file, holding `rows` records. */
export interface RowRange {
  byteStart: number;
  byteEnd: number;
  rows: number;
  /** The file's 1-based line number where the range's first record starts. */
  firstLine: number;
}

const MAX_HEADER_BYTES = 1024 * 1024;
const UTF8_BOM = "\uFEFF";

export class CsvSplitError extends Error {}

/** A CSV's dialect: csv-parse's delimiter, quote and Buffer encoding, and iconv-lite's name to decode the header. */
export interface CsvDialect {
  delimiter: string;
  quote: string;
  encoding: BufferEncoding;
  decodeAs: string;
}

/**
 * Streams a CSV once and cuts it into ranges of `rowsPerRange` records on record boundaries: a quoted
 * field spanning lines stays whole, CRLF and a missing final newline are fine. The first record is
 * the header; it is returned (without line ending or BOM) and belongs to no range. Memory stays flat
 * in the size of the file: only the current record and the first bytes (to read the header) are held.
 */
export async function splitCsvRows(
  input: Readable,
  rowsPerRange: number,
  onRange: (range: RowRange) => Promise<void>,
  dialect?: CsvDialect,
): Promise<{ header: string; rows: number; columns: string[] }> {
  const parser = parse({
    info: true,
    bom: true,
    relax_column_count: true,
    skip_empty_lines: true,
    ...(dialect ? { delimiter: dialect.delimiter, quote: dialect.quote, escape: dialect.quote, encoding: dialect.encoding } : {}),
  });
  let columns: string[] = [];
  const head: Buffer[] = [];
  let headBytes = 0;
  let headerEnd = -1;
  let binary: CsvSplitError | null = null;
  input.on("data", (chunk: Buffer) => {
    // A NUL byte never occurs in a text CSV: say "binary" rather than quote the parser's garbage.
    // (UTF-16 text is full of NUL bytes, so it is not checked.)
    if (headBytes === 0 && headerEnd < 0 && !binary && dialect?.encoding !== "utf16le" && chunk.subarray(0, 8192).includes(0)) {
      binary = new CsvSplitError(
        "The file is not a text CSV (it holds binary data, e.g. an image or an archive); a tabular input must be a CSV file.",
      );
      input.destroy(binary);
      return;
    }
    if (headerEnd < 0 && headBytes < MAX_HEADER_BYTES) {
      head.push(chunk);
      headBytes += chunk.length;
    }
  });

  let rows = 0;
  let nextStart = 0;
  let range: RowRange | null = null;
  const flush = async () => {
    if (!range) return;
    const done = range;
    range = null;
    nextStart = done.byteEnd;
    await onRange(done);
  };
  const consume = async () => {
    for await (const { info, record } of parser as AsyncIterable<{ info: { bytes: number; lines: number }; record: string[] }>) {
      if (headerEnd < 0) {
        headerEnd = nextStart = info.bytes;
        columns = record;
        if (headerEnd > headBytes) throw new CsvSplitError(`The CSV header is longer than ${MAX_HEADER_BYTES / 1024} KiB.`);
        continue;
      }
      range ??= { byteStart: nextStart, byteEnd: 0, rows: 0, firstLine: recordStartLine(info.lines, record) };
      range.byteEnd = info.bytes;
      range.rows++;
      rows++;
      if (range.rows >= rowsPerRange) await flush();
    }
    await flush();
  };

  // Both sides reject on a parse error (the pipeline may report only a premature close): the CSV's own error wins.
  const results = await Promise.allSettled([pipeline(input, parser), consume()]);
  const errors = results
    .filter((r): r is PromiseRejectedResult => r.status === "rejected")
    .map((r) => r.reason as Error & { code?: string });
  if (binary) throw binary;
  const own = errors.find((e) => e instanceof CsvSplitError);
  if (own) throw own;
  const csv = errors.find((e) => e.code?.startsWith("CSV_"));
  if (csv) throw new CsvSplitError(`The CSV could not be read: ${plainCsvMessage(csv.message)}`);
  if (errors.length) throw errors[0];
  if (headerEnd < 0) throw new CsvSplitError("The CSV is empty: it needs a header line and at least one row.");
  const headBytes0 = Buffer.concat(head).subarray(0, headerEnd);
  const header = (dialect ? iconv.decode(headBytes0, dialect.decodeAs) : headBytes0.toString("utf8"))
    .replace(/\r?\n$/, "")
    .replace(UTF8_BOM, "");
  return { header, rows, columns };
}

/** The line a record starts on: csv-parse reports the line it ends on; quoted fields may span lines. */
export function recordStartLine(endLine: number, record: string[]): number {
  let breaks = 0;
  for (const f of record) for (let i = f.indexOf("\n"); i >= 0; i = f.indexOf("\n", i + 1)) breaks++;
  return endLine - breaks;
}

/** csv-parse quotes the offending value; from a binary or garbled file that is noise, so keep the sentence only. */
function plainCsvMessage(message: string): string {
  return message.replace(/, value is .*$/s, "").slice(0, 300);
}
