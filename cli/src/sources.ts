import { parse as parseYaml } from "yaml";
import { UsageError } from "./errors";

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * A Modzy-style sources file (JSON or YAML): the map of item keys -> model input names ->
 * { container, filePath }, either as the whole file or under `sources:`. Shape errors are usage
 * errors naming the item; the server checks the names and counts.
 */
export function parseSourcesFile(text: string, file: string): Record<string, Record<string, { container: string; filePath: string }>> {
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (e) {
    throw new UsageError(`${file} is not JSON or YAML: ${(e as Error).message.split("\n")[0]}`);
  }
  const sources = isRecord(doc) && isRecord(doc.sources) ? doc.sources : doc;
  if (!isRecord(sources) || !Object.keys(sources).length)
    throw new UsageError(`${file}: give the input items, e.g. {"item-1": {"input.txt": {"container": "c", "filePath": "a/b.txt"}}}.`);
  if (isRecord(doc) && Object.keys(doc).some((k) => k !== "sources") && isRecord(doc.sources))
    throw new UsageError(`${file}: only 'sources' is read from this file; pass credentials with --storage-account and a key or SAS.`);
  for (const [key, files] of Object.entries(sources)) {
    if (!isRecord(files) || !Object.keys(files).length)
      throw new UsageError(
        `${file}: item '${key}' needs its files by model input name: {"input.txt": {"container": ..., "filePath": ...}}.`,
      );
    for (const [name, f] of Object.entries(files))
      if (!isRecord(f) || typeof f.container !== "string" || typeof f.filePath !== "string")
        throw new UsageError(`${file}: ${key}.${name} needs a container and a filePath.`);
  }
  return sources as Record<string, Record<string, { container: string; filePath: string }>>;
}

/**
 * The job's storage credentials from flags or, so they stay out of shell history and process lists,
 * AZURE_STORAGE_KEY / AZURE_STORAGE_SAS_TOKEN (the names az storage reads).
 */
export function storageOf(
  opts: { storageAccount?: string; storageAccountKey?: string; sasToken?: string; blobEndpoint?: string },
  env: Record<string, string | undefined> = process.env,
) {
  if (!opts.storageAccount) throw new UsageError("--sources needs --storage-account NAME (and its key or a SAS token).");
  const key = opts.storageAccountKey ?? (opts.sasToken ? undefined : env.AZURE_STORAGE_KEY);
  const sas = opts.sasToken ?? (key ? undefined : env.AZURE_STORAGE_SAS_TOKEN);
  if (!key && !sas)
    throw new UsageError(
      "give the storage account's key (--storage-account-key or AZURE_STORAGE_KEY) or a SAS token (--sas-token or AZURE_STORAGE_SAS_TOKEN).",
    );
  return {
    storageAccount: opts.storageAccount,
    ...(key ? { storageAccountKey: key } : { sasToken: sas }),
    ...(opts.blobEndpoint ? { blobEndpoint: opts.blobEndpoint } : {}),
  };
}
