import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { parse } from "csv-parse";

/** A run of whole CSV records: bytes [byteStart, byteEnd) of the file, holding `rows` records. */
export interface RowRange {
  byteStart: number;
  byteEnd: number;
  rows: number;
}

const MAX_HEADER_BYTES = 1024 * 1024;
const UTF8_BOM = "\uFEFF";

export class CsvSplitError extends Error {}

/**
 * Streams a CSV once and cuts it into ranges of `rowsPerRange` records on record boundaries: a quoted
 * field spanning lines stays whole, CRLF and a missing final newline are fine. The first record is
 * the header; it is returned (without line ending or BOM) and belongs to no range. Memory stays flat
 * in the size of the file: only the current record and the first bytes (to read the header) are held.
 */
export async function splitCsvRows(input: Readable, rowsPerRange: number, onRange: (range: RowRange) => Promise<void>): Promise<{ header: string; rows: number }> {
  const parser = parse({ info: true, bom: true, relax_column_count: true, skip_empty_lines: true });
  const head: Buffer[] = [];
  let headBytes = 0;
  let headerEnd = -1;
  input.on("data", (chunk: Buffer) => {
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
    for await (const { info } of parser as AsyncIterable<{ info: { bytes: number } }>) {
      if (headerEnd < 0) {
        headerEnd = nextStart = info.bytes;
        if (headerEnd > headBytes) throw new CsvSplitError(`The CSV header is longer than ${MAX_HEADER_BYTES / 1024} KiB.`);
        continue;
      }
      range ??= { byteStart: nextStart, byteEnd: 0, rows: 0 };
      range.byteEnd = info.bytes;
      range.rows++;
      rows++;
      if (range.rows >= rowsPerRange) await flush();
    }
    await flush();
  };

  try {
    await Promise.all([pipeline(input, parser), consume()]);
  } catch (e) {
    if (e instanceof CsvSplitError) throw e;
    const code = (e as { code?: string }).code;
    if (code?.startsWith("CSV_")) throw new CsvSplitError(`The CSV could not be read: ${(e as Error).message}`);
    throw e;
  }
  if (headerEnd < 0) throw new CsvSplitError("The CSV is empty: it needs a header line and at least one row.");
  const header = Buffer.concat(head).subarray(0, headerEnd).toString("utf8").replace(/\r?\n$/, "").replace(UTF8_BOM, "");
  return { header, rows };
}
