import path from "node:path";
import type { Command } from "commander";
import type { Page } from "../client";
import { apiClient, intArg } from "../context";
import { formatBytes, formatDate, printFields, printJson, printTable } from "../output";
import { uploadModel } from "./deployment";

interface ModelRow {
  name: string;
  description?: string | null;
  latestVersion?: string | null;
  versionCount?: number;
  updatedAt?: string;
}

interface ModelVersion {
  name: string;
  version: string;
  description?: string | null;
  files?: number;
  fileCount?: number;
  sizeBytes?: number;
  createdAt?: string;
}

const enc = encodeURIComponent;

export function registerModel(program: Command) {
  const model = program.command("model").description("registered models: create (upload a folder), list, show");

  model
    .command("create")
    .description("register a local file or folder as a new model version")
    .requiredOption("-n, --name <name>", "model name")
    .requiredOption("-p, --path <path>", "local folder (or file) with the model")
    .option("-v, --version <version>", "version (default: the next whole number)")
    .option("-d, --description <text>", "description of this version")
    .option("--json", "print the version as JSON")
    .action(async (opts: { name: string; path: string; version?: string; description?: string; json?: boolean }) => {
      const client = await apiClient();
      const ref = await uploadModel(client, { kind: "local", name: opts.name, version: opts.version, path: path.resolve(opts.path) }, { description: opts.description });
      if (opts.json) return printJson({ ref });
      console.log(`Use it in a deployment YAML as  model: azureml:${ref}`);
    });

  model
    .command("list")
    .description("list registered models with their newest version")
    .option("--page <n>", "page", intArg(1))
    .option("--per-page <n>", "rows per page (max 200)", intArg(1))
    .option("--json", "print the API's page as JSON")
    .action(async (opts: { page?: number; perPage?: number; json?: boolean }) => {
      const client = await apiClient();
      const page = await client.get<Page<ModelRow>>("/models", { page: opts.page, perPage: opts.perPage });
      if (opts.json) return printJson(page);
      if (!page.data.length) return console.log("No models. Register one with `batchpoint model create --name NAME --path FOLDER`.");
      printTable(page.data, [
        ["name", (m) => m.name],
        ["latest version", (m) => m.latestVersion],
        ["versions", (m) => m.versionCount],
        ["updated", (m) => formatDate(m.updatedAt)],
        ["description", (m) => m.description],
      ]);
    });

  model
    .command("show")
    .description("show a model's versions, or one version")
    .requiredOption("-n, --name <name>", "model name")
    .option("-v, --version <version>", "one version")
    .option("--json", "print as JSON")
    .action(async (opts: { name: string; version?: string; json?: boolean }) => {
      const client = await apiClient();
      if (opts.version) {
        const v = await client.get<ModelVersion>(`/models/${enc(opts.name)}/versions/${enc(opts.version)}`);
        if (opts.json) return printJson(v);
        return printFields([
          ["name", v.name],
          ["version", v.version],
          ["description", v.description],
          ["files", v.files ?? v.fileCount],
          ["size", v.sizeBytes === undefined ? undefined : formatBytes(v.sizeBytes)],
          ["created", formatDate(v.createdAt)],
        ]);
      }
      const m = await client.get<{ name: string; description?: string | null; versions?: ModelVersion[] }>(`/models/${enc(opts.name)}`);
      if (opts.json) return printJson(m);
      console.log(`${m.name}${m.description ? ` — ${m.description}` : ""}`);
      printTable(m.versions ?? [], [
        ["version", (v) => v.version],
        ["files", (v) => v.fileCount ?? v.files],
        ["size", (v) => (v.sizeBytes === undefined ? null : formatBytes(Number(v.sizeBytes)))],
        ["created", (v) => formatDate(v.createdAt)],
        ["description", (v) => v.description],
      ]);
    });
}
