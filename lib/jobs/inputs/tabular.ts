import "server-only";
import { createWriteStream } from "node:fs";
import { mkdir } from "node:fs/promises";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import { downloadBlob } from "@/lib/storage";
import { maskDataPath } from "../data-paths";
import { checkCsvChunk } from "../result-checks";
import { CsvSplitError, splitCsvRows } from "../split-csv";
import { csvDialectOf } from "../tabular/options";
import { missingColumns, missingColumnsMessage } from "../tabular/rows";
import {
  describeRows,
  EmptyInputError,
  inputFileSize,
  MiniBatchInputError,
  materializeShapedRows,
  missingInputFile,
  rowRange,
} from "./shared";
import type { DataInputModule, MaterializeContext, MaterializedInput } from "./types";

/** csv-parse's own errors (INVALID_OPENING_QUOTE, CSV_RECORD_INCONSISTENT_FIELDS_LENGTH, …). */
function isCsvParseError(e: unknown): boolean {
  const code = (e as { code?: unknown })?.code;
  return typeof code === "string" && /^(CSV_|INVALID_)/.test(code);
}

/**
 * `tabular`: one CSV file split by rows on record boundaries (byte ranges; the header is kept on the
 * job), each mini-batch reaching run() as a DataFrame (Python) or row objects (Node). See docs/decisions/0005.
 */
export const tabularInput: DataInputModule<"tabular"> = {
  type: "tabular",
  label: "CSV split by rows",
  description: "One CSV split into mini-batches of rows; run() gets a DataFrame (Python) or row objects (Node).",
  unit: "rows",
  rowFormat: "csv",
  async validate(opts) {
    const { target, path, shown } = opts;
    const size = await inputFileSize(opts);
    if (size === 0) throw new EmptyInputError(`The CSV ${shown} is empty: it needs a header line and at least one row.`);
    if (size > opts.countRowsUpTo) return { count: null, capped: false, bytes: size };
    try {
      const { rows } = await splitCsvRows(await downloadBlob(target, path.path), Number.MAX_SAFE_INTEGER, async () => {}, opts.dialect);
      if (rows === 0) throw new EmptyInputError(`The CSV ${shown} has a header but no rows to score.`);
      return { count: rows, capped: false, bytes: size };
    } catch (e) {
      // A CSV that does not parse (here, perhaps without the job's dialect) is counted by planning, which says why.
      if (e instanceof CsvSplitError || isCsvParseError(e))
        return { count: null, capped: false, bytes: size, warning: (e as Error).message };
      throw e;
    }
  },
  async plan(ctx) {
    const { data, settings, target, path, shown } = ctx;
    const missingFile = await missingInputFile(ctx);
    if (missingFile) return { error: missingFile };
    const options = data.options;
    try {
      const { header, rows, columns } = await splitCsvRows(
        await downloadBlob(target, path.path),
        settings.miniBatchSize,
        (r) => ctx.add({ byteStart: r.byteStart, byteEnd: r.byteEnd, firstLine: r.firstLine, itemCount: r.rows }),
        csvDialectOf(options),
      );
      if (rows === 0) return { error: `The CSV ${shown} has a header but no rows to score.` };
      const missing = options ? missingColumns(options, columns) : [];
      if (missing.length) return { error: `${missingColumnsMessage(missing, columns, "input's header")} (input ${shown})` };
      return { count: rows, data: { ...data, header, ...(options ? { columns } : {}) } };
    } catch (e) {
      if (e instanceof CsvSplitError) return { error: `${e.message} (input ${shown})` };
      throw e;
    }
  },
  materialize(ctx) {
    const { data } = ctx;
    // Row controls: the platform decodes the rows with the job's dialect and shapes run()'s result.
    if (data.options) return materializeShapedRows(ctx, { format: "csv", columns: data.columns, options: data.options });
    return materializeCsvRange(ctx);
  },
  describe: describeRows,
};

/** One byte range of the CSV, on record boundaries, as it is; the worker reads it with the job's header. */
async function materializeCsvRange(ctx: MaterializeContext): Promise<MaterializedInput> {
  const { data, mb, inputDir } = ctx;
  const file = path.join(inputDir, "rows.csv");
  await mkdir(inputDir, { recursive: true });
  const offset = Number(mb.byteStart ?? 0);
  await pipeline(
    await downloadBlob(ctx.target, ctx.path.path, { offset, count: Number(mb.byteEnd ?? 0) - offset }),
    createWriteStream(file),
  );
  // A ragged row would be padded or shifted by the reader: refuse it, naming its line.
  const ragged = await checkCsvChunk({ file, header: data.header ?? "", firstLine: mb.firstLine, firstRow: rowRange(ctx.settings, mb)[0] });
  if (ragged)
    throw new MiniBatchInputError(`${ragged} (input ${maskDataPath(data.path)}). Fix the row, or quote fields that contain commas.`);
  return { input: { kind: "tabular", file, header: data.header, rowCount: mb.itemCount }, inputDir };
}
