import { createReadStream } from "node:fs";
import { parse } from "csv-parse";
import { parse as parseSync } from "csv-parse/sync";
import { recordStartLine } from "./split-csv";

/**
 * Checks that every record of a tabular mini-batch's CSV range has as many fields as the header;
 * returns the first ragged record as a sentence (row and line number in the whole file), or null.
 * Readers pad short rows and shift long ones (`1,2,3,4` under `a,b` became `3.0,4.0`), so a ragged
 * row would silently score the wrong values.
 */
export async function checkCsvChunk(opts: {
  file: string;
  header: string;
  firstLine: number | null;
  firstRow: number;
}): Promise<string | null> {
  if (!opts.header) return null;
  const columns = (parseSync(opts.header, { relax_quotes: true }) as string[][])[0]?.length ?? 0;
  if (!columns) return null;
  const parser = createReadStream(opts.file).pipe(parse({ info: true, relax_column_count: true, skip_empty_lines: true }));
  let row = opts.firstRow;
  try {
    for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
      if (record.length !== columns) {
        const line = opts.firstLine ? ` (line ${opts.firstLine + recordStartLine(info.lines, record) - 1})` : "";
        return `Row ${row}${line} has ${record.length} field${record.length === 1 ? "" : "s"}; the header has ${columns}`;
      }
      row++;
    }
  } finally {
    parser.destroy();
  }
  return null;
}

/**
 * Why a run() result cannot be written as one output row per input, or null: more results than
 * inputs, or list elements holding line breaks (each would become two rows). DataFrames are written
 * as quoted CSV, so their fields may hold line breaks.
 */
export function invalidResult(result: { format: string; body: string; count: number }, inputCount: number): string | null {
  if (result.count > inputCount)
    return `run() returned ${result.count} results for ${inputCount} inputs; return at most one result per input.`;
  if (result.format === "list") {
    const lines = result.body ? result.body.split("\n").length - 1 : 0;
    if (lines !== result.count || result.body.includes("\r")) {
      return "A result of run() contains a line break, which would split it into two output rows. Remove line breaks from the results, or return a pandas DataFrame (written as quoted CSV).";
    }
  }
  return null;
}
