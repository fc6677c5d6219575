import "server-only";
import { downloadBlob } from "@/lib/storage";
import { missingColumns, missingColumnsMessage } from "../tabular/rows";
import { JsonlSplitError, splitJsonLines } from "../tabular/split-jsonl";
import { toRowOptions } from "../tabular/options";
import { describeRows, EmptyInputError, inputFileSize, materializeShapedRows, missingInputFile } from "./shared";
import type { DataInputModule } from "./types";

/** `jsonl`: one JSON Lines file split by lines, each mini-batch a list of dicts / objects; JSON Lines out. See docs/decisions/0021. */
export const jsonlInput: DataInputModule<"jsonl"> = {
  type: "jsonl",
  label: "JSON Lines split by lines",
  description: "One JSON Lines file split by lines; run() gets a list of dicts (Python) or objects (Node), and JSON Lines are written out.",
  unit: "rows",
  rowFormat: "jsonl",
  defaultOutputFileName: "predictions.jsonl",
  async validate(opts) {
    const { target, path, shown } = opts;
    const size = await inputFileSize(opts);
    if (size === 0) throw new EmptyInputError(`The JSON Lines file ${shown} is empty: it needs one JSON object per line.`);
    if (size > opts.countRowsUpTo) return { count: null, capped: false, bytes: size };
    try {
      const { rows } = await splitJsonLines(await downloadBlob(target, path.path), Number.MAX_SAFE_INTEGER, async () => {});
      if (rows === 0) throw new EmptyInputError(`The JSON Lines file ${shown} has no lines to score.`);
      return { count: rows, capped: false, bytes: size };
    } catch (e) {
      if (e instanceof JsonlSplitError) return { count: null, capped: false, bytes: size, warning: e.message };
      throw e;
    }
  },
  async plan(ctx) {
    const { data, settings, target, path, shown } = ctx;
    const missingFile = await missingInputFile(ctx);
    if (missingFile) return { error: missingFile };
    try {
      const { rows, firstKeys } = await splitJsonLines(await downloadBlob(target, path.path), settings.miniBatchSize, (r) =>
        ctx.add({ byteStart: r.byteStart, byteEnd: r.byteEnd, firstLine: r.firstLine, itemCount: r.rows }),
      );
      if (rows === 0) return { error: `The JSON Lines file ${shown} has no lines to score.` };
      const missing = data.options ? missingColumns(data.options, firstKeys) : [];
      if (missing.length) return { error: `${missingColumnsMessage(missing, firstKeys, "first line of the input")} (input ${shown})` };
      return { count: rows };
    } catch (e) {
      if (e instanceof JsonlSplitError) return { error: `${e.message} (input ${shown})` };
      throw e;
    }
  },
  // A list of dicts / objects for run(); the platform writes each result as a JSON line, with the line's custom_id.
  materialize: (ctx) =>
    materializeShapedRows(ctx, { format: "jsonl", columns: ctx.data.columns, options: ctx.data.options ?? toRowOptions({}) }),
  describe: describeRows,
};
