import "server-only";
import { parse as parseCsv } from "csv-parse/sync";
import { fieldError } from "@/lib/errors";
import { blobExists, downloadBlob, type StorageTarget } from "@/lib/storage";
import { type RowOptions, parserEncoding } from "./options";
import type { RowFormat } from "../inputs/types";
import { missingColumns, missingColumnsMessage } from "./rows";

const HEAD_BYTES = 1024 * 1024;

async function head(target: StorageTarget, blob: string): Promise<Buffer> {
  const stream = await downloadBlob(target, blob);
  const parts: Buffer[] = [];
  let n = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    parts.push(chunk);
    n += chunk.length;
    if (n >= HEAD_BYTES) break;
  }
  stream.destroy();
  return Buffer.concat(parts).subarray(0, HEAD_BYTES);
}

/** The columns of a CSV's header, or a jsonl file's first object's keys; null when the start cannot be read as such. */
export function headColumns(bytes: Buffer, format: RowFormat, options: RowOptions): string[] | null {
  try {
    if (format === "jsonl") {
      const first = bytes
        .toString("utf8")
        .split("\n")
        .find((l) => l.trim());
      const value = first ? JSON.parse(first.replace(/^\uFEFF/, "")) : null;
      return value && typeof value === "object" && !Array.isArray(value) ? Object.keys(value) : null;
    }
    const records = parseCsv(bytes, {
      bom: true,
      to: 1,
      relax_column_count: true,
      delimiter: options.delimiter,
      quote: options.quotechar,
      escape: options.quotechar,
      encoding: parserEncoding(options.encoding),
    }) as string[][];
    return records[0] ?? null;
  } catch {
    return null;
  }
}

/**
 * At invoke: the named passthrough columns exist in the input's header (CSV) or first line (jsonl).
 * A 400 naming passthroughColumns otherwise. An input that is missing or unreadable is left to the
 * planner, which fails the job with the reason.
 */
export async function checkRowInput(opts: { target: StorageTarget; blob: string; format: RowFormat; options: RowOptions }) {
  if (!Array.isArray(opts.options.passthrough)) return;
  if (!(await blobExists(opts.target, opts.blob))) return;
  const columns = headColumns(await head(opts.target, opts.blob), opts.format, opts.options);
  if (!columns) return;
  const missing = missingColumns(opts.options, columns);
  if (missing.length)
    throw fieldError(
      "passthroughColumns",
      missingColumnsMessage(missing, columns, opts.format === "jsonl" ? "first line of the input" : "input's header"),
    );
}
