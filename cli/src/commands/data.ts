import { readFile, stat } from "node:fs/promises";
import path from "node:path";
import { Option, type Command } from "commander";
import { parse as parseYaml } from "yaml";
import type { DataAsset, DataAssetPage, DataAssetVersionPage, DeletedFiles } from "../api";
import type { ApiClient } from "../client";
import { printAz, wantsAzOutput, withAzOutput, type AzOutputOptions } from "../az-output";
import { azData } from "../azure-shape";
import { apiClient, collect, intArg, note } from "../context";
import { ApiError, UsageError } from "../errors";
import { classifyInput } from "../invoke-inputs";
import { formatBytes, formatDate, printFields, printJson, printTable } from "../output";
import { listLocalFiles, normalizePrefix, uploadFiles } from "../upload";
import { latestOf } from "./model";

export const DATA_ASSET_TYPES = ["uri_folder", "uri_file"] as const;
type DataAssetType = (typeof DATA_ASSET_TYPES)[number];

const enc = encodeURIComponent;
const UPLOAD_DATASTORE = "workspaceblobstore";

export interface DataSpec {
  name?: string;
  version?: string;
  type?: string;
  path?: string;
  description?: string;
  notes: string[];
}

/** Reads an Azure data asset YAML (`data.schema.json`): name, version, type, path, description; other keys are named in a note. */
export function parseDataYaml(text: string): DataSpec {
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (e) {
    throw new UsageError(`the data file is not valid YAML: ${(e as Error).message.split("\n")[0]}`);
  }
  if (typeof doc !== "object" || doc === null || Array.isArray(doc))
    throw new UsageError("the data file must be a YAML mapping with name, type and path.");
  const d = doc as Record<string, unknown>;
  const str = (k: string) => {
    const v = d[k];
    if (v === undefined || v === null) return undefined;
    if (typeof v === "object") throw new UsageError(`${k} in the data file must be a single value.`);
    return String(v);
  };
  const unread = Object.keys(d).filter((k) => !["$schema", "name", "version", "type", "path", "description"].includes(k));
  return {
    name: str("name"),
    version: str("version"),
    type: str("type"),
    path: str("path"),
    description: str("description"),
    notes: unread.length ? [`not acted on by Batchpoint: ${unread.join(", ")}; see docs/from-azure-ml.md`] : [],
  };
}

/** The version a new asset without --version gets, so its local files can be uploaded under data/<name>/<version>/ first. */
async function nextVersion(client: ApiClient, name: string): Promise<string> {
  const versions = await listVersions(client, name).catch((e) => (e instanceof ApiError && e.status === 404 ? [] : Promise.reject(e)));
  const numbers = versions
    .map((v) => v.version)
    .filter((v) => /^\d+$/.test(v))
    .map(Number);
  return String(numbers.length ? Math.max(...numbers) + 1 : 1);
}

async function listVersions(client: ApiClient, name: string): Promise<DataAsset[]> {
  return (await client.get<DataAssetVersionPage>(`/data/${enc(name)}/versions`)).data;
}

function printAsset(a: DataAsset) {
  printFields([
    ["name", a.name],
    ["version", a.version],
    ["type", a.type],
    ["path", a.path],
    ["description", a.description],
    ["created", formatDate(a.createdAt)],
  ]);
}

export function registerData(program: Command) {
  const data = program
    .command("data")
    .description("data assets (create, list, show: Azure's az ml data) and files in datastores (upload, delete)");

  withAzOutput(
    data
      .command("create")
      .description(
        "register a data asset: a named, versioned datastore path; a local --path is uploaded to workspaceblobstore under data/<name>/<version>/ first",
      )
      .option("-n, --name <name>", "asset name")
      .option("-v, --version <version>", "version (default: the next whole number)")
      .addOption(
        new Option("-t, --type <type>", "uri_folder (a folder, the default) or uri_file (one file)").choices([...DATA_ASSET_TYPES]),
      )
      .option("-p, --path <path>", "local file or folder, azureml://datastores/<ds>/paths/<p>, datastores/<ds>/paths/<p>, or an https URL")
      .option("-d, --description <text>", "description")
      .option("-f, --file <data.yml>", "Azure data asset YAML (name, version, type, path, description); flags override it")
      .option("--json", "print the asset as JSON"),
  ).action(
    async (
      opts: {
        name?: string;
        version?: string;
        type?: string;
        path?: string;
        description?: string;
        file?: string;
        json?: boolean;
      } & AzOutputOptions,
    ) => {
      const spec = opts.file
        ? parseDataYaml(await readFile(opts.file, "utf8").catch(() => Promise.reject(new UsageError(`cannot read ${opts.file}.`))))
        : { notes: [] as string[] };
      const name = opts.name ?? spec.name;
      if (!name) throw new UsageError("give --name (or name in the --file).");
      let rawPath = opts.path ?? spec.path;
      if (!rawPath) throw new UsageError("give --path (or path in the --file): a local folder or file, or a datastore path.");
      // A local path in the file is relative to the file, as in az ml.
      if (!opts.path && opts.file && classifyInput(rawPath) === "local") rawPath = path.resolve(path.dirname(opts.file), rawPath);
      const type = opts.type ?? spec.type;
      if (type !== undefined && !(DATA_ASSET_TYPES as readonly string[]).includes(type))
        throw new UsageError(`type must be uri_folder or uri_file, not '${type}'.`);
      for (const n of spec.notes) note(n);
      const client = await apiClient();
      const quiet = Boolean(opts.json) || wantsAzOutput(opts);
      let version = opts.version ?? spec.version;
      let assetPath = rawPath;
      let assetType = type as DataAssetType | undefined;
      if (classifyInput(rawPath) === "local") {
        let s;
        try {
          s = await stat(rawPath);
        } catch {
          throw new UsageError(`path '${rawPath}' is neither a local file or folder nor a datastore path or URL.`);
        }
        if (assetType === "uri_folder" && !s.isDirectory())
          throw new UsageError(`type uri_folder needs a folder; '${rawPath}' is a file (use --type uri_file).`);
        if (assetType === "uri_file" && s.isDirectory())
          throw new UsageError(`type uri_file needs a file; '${rawPath}' is a folder (use --type uri_folder).`);
        assetType ??= s.isDirectory() ? "uri_folder" : "uri_file";
        version ??= await nextVersion(client, name);
        const files = await listLocalFiles(rawPath);
        if (!files.length) throw new UsageError(`'${rawPath}' has no files to upload.`);
        const prefix = normalizePrefix(`data/${name}/${version}`);
        if (!quiet)
          console.error(`Uploading ${files.length} file${files.length === 1 ? "" : "s"} from ${rawPath} to ${UPLOAD_DATASTORE}:${prefix}`);
        await uploadFiles(client, files, { datastore: UPLOAD_DATASTORE, prefix, quiet, log: (line) => console.error(line) });
        assetPath = `azureml://datastores/${UPLOAD_DATASTORE}/paths/${prefix}${s.isDirectory() ? "" : path.basename(rawPath)}`;
      }
      // A remote path without --type: a file when its last part has an extension, else a folder.
      assetType ??= /\.[A-Za-z0-9]{1,8}$/.test(assetPath.split("?")[0].replace(/\/+$/, "/")) ? "uri_file" : "uri_folder";
      const body: Record<string, unknown> = { name, type: assetType, path: assetPath };
      if (version) body.version = version;
      const description = opts.description ?? spec.description;
      if (description) body.description = description;
      const created = await client.json<DataAsset>("POST", "/data", { json: body });
      if (wantsAzOutput(opts)) return printAz(azData(created), opts);
      if (opts.json) return printJson(created);
      console.log(`Created data asset ${created.name}:${created.version} (${created.type}, ${created.path}).`);
      console.log(
        `Use it with: batchpoint endpoint invoke --name ENDPOINT --input azureml:${created.name}@latest   (or azureml:${created.name}:${created.version})`,
      );
    },
  );

  withAzOutput(
    data
      .command("list")
      .description("list data assets with their newest version (--name N: that asset's versions)")
      .option("-n, --name <name>", "list this asset's versions")
      .option("--json", "print the API's answer as JSON"),
  ).action(async (opts: { name?: string; json?: boolean } & AzOutputOptions) => {
    const client = await apiClient();
    if (opts.name) {
      const versions = await listVersions(client, opts.name);
      if (wantsAzOutput(opts))
        return printAz(
          versions.map((v) => azData(v)),
          opts,
        );
      if (opts.json) return printJson(versions);
      if (!versions.length) return console.log(`Data asset '${opts.name}' has no versions.`);
      return printTable(versions, [
        ["version", (v) => v.version],
        ["type", (v) => v.type],
        ["path", (v) => v.path],
        ["created", (v) => formatDate(v.createdAt)],
        ["description", (v) => v.description],
      ]);
    }
    const res = await client.get<DataAssetPage>("/data");
    if (wantsAzOutput(opts))
      return printAz(
        res.data.map((a) => ({ ...azData({ ...a, version: a.latestVersion }), latest_version: a.latestVersion })),
        opts,
      );
    if (opts.json) return printJson(res);
    if (!res.data.length) return console.log("No data assets. Create one with `batchpoint data create --name NAME --path FOLDER`.");
    printTable(res.data, [
      ["name", (a) => a.name],
      ["latest version", (a) => a.latestVersion],
      ["type", (a) => a.type],
      ["path", (a) => a.path],
      ["description", (a) => a.description],
    ]);
  });

  withAzOutput(
    data
      .command("show")
      .description("show one version of a data asset (--version V, or --label latest)")
      .requiredOption("-n, --name <name>", "asset name")
      .option("-v, --version <version>", "version")
      .option("-l, --label <label>", "latest: the newest version")
      .option("--json", "print as JSON"),
  ).action(async (opts: { name: string; version?: string; label?: string; json?: boolean } & AzOutputOptions) => {
    if (opts.label !== undefined && opts.label !== "latest")
      throw new UsageError(`--label: Batchpoint knows the label 'latest' only, not '${opts.label}'.`);
    if (opts.label && opts.version) throw new UsageError("give --version or --label, not both.");
    if (!opts.label && !opts.version) throw new UsageError("give --version V or --label latest.");
    const client = await apiClient();
    let version = opts.version;
    if (opts.label) {
      version = latestOf((await listVersions(client, opts.name)).map((v) => v.version));
      if (!version) throw new UsageError(`data asset '${opts.name}' has no versions.`);
    }
    const asset = await client.get<DataAsset>(`/data/${enc(opts.name)}/versions/${enc(version!)}`);
    if (wantsAzOutput(opts)) return printAz(azData(asset), opts);
    if (opts.json) return printJson(asset);
    printAsset(asset);
  });

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
      const result = await uploadFiles(client, files, {
        datastore: opts.datastore,
        prefix,
        concurrency: opts.concurrency,
        quiet: opts.json,
      });
      const uri = `azureml://datastores/${opts.datastore}/paths/${prefix}`;
      if (opts.json) return printJson({ datastore: opts.datastore, path: prefix, uri, files: result.paths, bytes: result.bytes });
      console.log(`Uploaded ${files.length} file${files.length === 1 ? "" : "s"} (${formatBytes(result.bytes)}) to ${uri}`);
      console.log(`Use it with: batchpoint endpoint invoke --name ENDPOINT --input ${uri}`);
    });

  data
    .command("delete")
    .description("delete files, and folders with everything under them (a path ending in /), from a datastore")
    .option("--datastore <name>", "datastore", "workspaceblobstore")
    .requiredOption("-p, --path <path>", "a file (inputs/a.png) or a folder (inputs/2024-06/); repeat for several", collect, [])
    .option("--json", "print the API's answer as JSON")
    .action(async (opts: { datastore: string; path: string[]; json?: boolean }) => {
      if (!opts.path.length) throw new UsageError("give --path FILE or --path FOLDER/ (repeatable).");
      const client = await apiClient();
      const res = await client.json<DeletedFiles>("POST", `/datastores/${enc(opts.datastore)}/delete`, { json: { paths: opts.path } });
      if (opts.json) return printJson(res);
      if (res.deleted === 0)
        return console.log(`Nothing to delete: no file of ${opts.datastore} is at the path${opts.path.length === 1 ? "" : "s"} given.`);
      console.log(`Deleted ${res.deleted} file${res.deleted === 1 ? "" : "s"} from ${opts.datastore}.`);
    });
}
