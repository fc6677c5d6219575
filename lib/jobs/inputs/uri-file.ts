import "server-only";
import path from "node:path";
import { describeFiles, inputFileSize, materializeFiles, missingInputFile } from "./shared";
import type { DataInputModule } from "./types";

/** `uri_file`: one file, scored as one mini-batch of one file (Azure ML's). */
export const uriFileInput: DataInputModule<"uri_file"> = {
  type: "uri_file",
  label: "One file",
  description: "One file, scored as one mini-batch; run() gets a list with its local path.",
  unit: "files",
  async validate(opts) {
    return { count: 1, capped: false, bytes: await inputFileSize(opts) };
  },
  async plan(ctx) {
    const missing = await missingInputFile(ctx);
    if (missing) return { error: missing };
    await ctx.add({ items: [ctx.path.path], itemCount: 1 });
    return { count: 1 };
  },
  // The file by its name; read in place, BATCH_INPUT_DIR is the folder it is in.
  materialize: (ctx) => materializeFiles(ctx, `${path.posix.dirname(ctx.path.path)}/`),
  describe: describeFiles,
};
