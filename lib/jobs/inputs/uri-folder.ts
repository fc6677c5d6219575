import "server-only";
import { listBlobs } from "@/lib/storage";
import { describeFiles, EmptyInputError, folderPrefix, materializeFiles, platformPrefixOf } from "./shared";
import type { DataInputModule } from "./types";

/** `uri_folder`: every file under a prefix, recursively, in name order, mini_batch_size files per mini-batch (Azure ML's). */
export const uriFolderInput: DataInputModule<"uri_folder"> = {
  type: "uri_folder",
  label: "Folder",
  description: "Every file under the folder, in name order; run() gets a list of local file paths.",
  unit: "files",
  async validate({ target, path, shown, limit }) {
    const prefix = folderPrefix(path);
    const platform = platformPrefixOf(path);
    let count = 0;
    let bytes = 0;
    for await (const page of listBlobs(target, prefix, Math.min(1000, Math.max(limit + 1, 10)), () => {})) {
      for (const b of page) {
        if (b.path.endsWith("/") || (platform && b.path.startsWith(platform))) continue;
        if (count >= limit) return { count, capped: true, bytes };
        count++;
        bytes += b.size;
      }
    }
    if (count === 0)
      throw new EmptyInputError(`No input files were found under ${shown}. Check the path and that the files were uploaded.`);
    return { count, capped: false, bytes };
  },
  async plan({ settings, target, path, shown, add }) {
    const prefix = folderPrefix(path);
    const platform = platformPrefixOf(path);
    let files = 0;
    let current: string[] = [];
    for await (const page of listBlobs(target, prefix)) {
      for (const blob of page) {
        if (blob.path.endsWith("/") || (platform && blob.path.startsWith(platform))) continue;
        current.push(blob.path);
        files++;
        if (current.length >= settings.miniBatchSize) {
          await add({ items: current, itemCount: current.length });
          current = [];
        }
      }
    }
    if (current.length) await add({ items: current, itemCount: current.length });
    if (files === 0) return { error: `No input files were found under ${shown}. Check the path and that the files were uploaded.` };
    return { count: files };
  },
  // Each file keeps its path under the folder.
  materialize: (ctx) => materializeFiles(ctx, folderPrefix(ctx.path)),
  describe: describeFiles,
};
