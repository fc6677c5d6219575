import type { Command } from "commander";
import { apiClient, intArg } from "../context";
import { formatBytes, printJson } from "../output";
import { listLocalFiles, normalizePrefix, uploadFiles } from "../upload";
import { UsageError } from "../errors";

export function registerData(program: Command) {
  const data = program.command("data").description("files in datastores");

  data
    .command("upload")
    .description("upload a local folder (or file) to a datastore path, a few files at a time")
    .argument("<local>", "local folder or file")
    .option("--datastore <name>", "datastore", "workspaceblobstore")
    .requiredOption("-p, --path <path>", "folder in the datastore, e.g. inputs/2024-06/")
    .option("--concurrency <n>", "files uploaded in parallel", intArg(1), 4)
    .option("--json", "print the uploaded paths as JSON")
    .action(async (local: string, opts: { datastore: string; path: string; concurrency: number; json?: boolean }) => {
      const files = await listLocalFiles(local);
      if (!files.length) throw new UsageError(`'${local}' has no files to upload.`);
      const client = await apiClient();
      const prefix = normalizePrefix(opts.path);
      const result = await uploadFiles(client, files, { datastore: opts.datastore, prefix, concurrency: opts.concurrency, quiet: opts.json });
      const uri = `azureml://datastores/${opts.datastore}/paths/${prefix}`;
      if (opts.json) return printJson({ datastore: opts.datastore, path: prefix, uri, files: result.paths, bytes: result.bytes });
      console.log(`Uploaded ${files.length} file${files.length === 1 ? "" : "s"} (${formatBytes(result.bytes)}) to ${uri}`);
      console.log(`Use it with: batchpoint endpoint invoke --name ENDPOINT --input ${uri}`);
    });
}
