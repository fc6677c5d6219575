import "server-only";
import { downloadBlob } from "@/lib/storage";
import { CsvSplitError, splitCsvRows } from "../split-csv";
import { csvDialectOf } from "../tabular/options";
import { missingColumns, missingColumnsMessage } from "../tabular/rows";
import { describeRows, EmptyInputError, inputFileSize, missingInputFile } from "./shared";
import type { DataInputModule } from "./types";

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
  unit: "rows",
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
  describe: describeRows,
};
