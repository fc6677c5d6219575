import type { Readable } from "node:stream";
import type { RowRange } from "../split-csv";

export class JsonlSplitError extends Error {}

const MAX_LINE_BYTES = 16 * 1024 * 1024;

/**
 * Streams a JSON Lines file once and cuts it into ranges of `rowsPerRange` non-empty lines; every
 * line must be one JSON object (the error names the first line that is not). Memory stays flat:
 * only the current line is held. Returns the row count and the first object's keys.
 */
export async function splitJsonLines(
  input: Readable,
  rowsPerRange: number,
  onRange: (range: RowRange) => Promise<void>,
): Promise<{ rows: number; firstKeys: string[] }> {
  let offset = 0;
  let lineNo = 0;
  let rows = 0;
  let firstKeys: string[] | null = null;
  let carry: Buffer[] = [];
  let carryBytes = 0;
  let lineStart = 0;
  let range: RowRange | null = null;

  const line = async (bytes: Buffer, start: number, end: number) => {
    lineNo++;
    const text = bytes
      .toString("utf8")
      .replace(/\r$/, "")
      .replace(/^\uFEFF/, "");
    if (!text.trim()) return;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (e) {
      throw new JsonlSplitError(
        `Line ${lineNo} is not valid JSON (${(e as Error).message.slice(0, 120)}); each line holds one JSON object.`,
      );
    }
    if (typeof value !== "object" || value === null || Array.isArray(value))
      throw new JsonlSplitError(
        `Line ${lineNo} is not a JSON object; each line holds one object, e.g. {"custom_id": "r1", "text": "..."}.`,
      );
    firstKeys ??= Object.keys(value);
    range ??= { byteStart: start, byteEnd: end, rows: 0, firstLine: lineNo };
    range.byteEnd = end;
    range.rows++;
    rows++;
    if (range.rows >= rowsPerRange) {
      const done = range;
      range = null;
      await onRange(done);
    }
  };

  for await (const chunk of input as AsyncIterable<Buffer>) {
    let from = 0;
    for (let nl = chunk.indexOf(10); nl >= 0; nl = chunk.indexOf(10, from)) {
      const piece = chunk.subarray(from, nl);
      const bytes = carry.length ? Buffer.concat([...carry, piece]) : piece;
      const end = offset + nl + 1;
      await line(bytes, lineStart, end);
      carry = [];
      carryBytes = 0;
      lineStart = end;
      from = nl + 1;
    }
    if (from < chunk.length) {
      carry.push(chunk.subarray(from));
      carryBytes += chunk.length - from;
      if (carryBytes > MAX_LINE_BYTES) throw new JsonlSplitError(`Line ${lineNo + 1} is longer than ${MAX_LINE_BYTES / 1024 / 1024} MiB.`);
    }
    offset += chunk.length;
  }
  if (carry.length) await line(Buffer.concat(carry), lineStart, offset);
  if (range) await onRange(range);
  return { rows, firstKeys: firstKeys ?? [] };
}

/** The objects of a range of a JSON Lines file (already checked by splitJsonLines). */
export function parseJsonLines(text: string): Record<string, unknown>[] {
  return text
    .split("\n")
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l.replace(/^\uFEFF/, "")) as Record<string, unknown>);
}
