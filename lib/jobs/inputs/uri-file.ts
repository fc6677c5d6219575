import "server-only";
import { describeFiles, inputFileSize, missingInputFile } from "./shared";
import type { DataInputModule } from "./types";

/** `uri_file`: one file, scored as one mini-batch of one file (Azure ML's). */
export const uriFileInput: DataInputModule<"uri_file"> = {
  type: "uri_file",
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
  describe: describeFiles,
};
