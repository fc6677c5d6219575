import { existsSync } from "node:fs";
import path from "node:path";
import { Option, type Command } from "commander";
import type { Model, ModelPage, ModelVersion } from "../api";
import { printAz, wantsAzOutput, withAzOutput, type AzOutputOptions } from "../az-output";
import { azModelRow, azModelVersion } from "../azure-shape";
import { apiClient, intArg, note } from "../context";
import { UsageError } from "../errors";
import { formatBytes, formatDate, printFields, printJson, printTable } from "../output";
import { uploadModel } from "./deployment";

const enc = encodeURIComponent;

/** The newest of a list of versions: whole numbers by value, others by text. */
export function latestOf(versions: string[]): string | undefined {
  return [...versions]
    .sort((a, b) => (/^\d+$/.test(a) && /^\d+$/.test(b) ? Number(a) - Number(b) : a.localeCompare(b, "en", { numeric: true })))
    .pop();
}

export function registerModel(program: Command) {
  const model = program.command("model").description("registered models: create (upload a folder), list, show");

  withAzOutput(
    model
      .command("create")
      .description(
        "register a local file or folder as a new model version; it is kept under its own name, as on Azure ($AZUREML_MODEL_DIR/<folder>/...)",
      )
      .requiredOption("-n, --name <name>", "model name")
      .requiredOption("-p, --path <path>", "local folder (or file) with the model")
      .addOption(
        new Option(
          "-t, --type <type>",
          "Azure's model type; all are stored as files (an MLflow model needs a scoring script here)",
        ).choices(["custom_model", "mlflow_model", "triton_model"]),
      )
      .option("-v, --version <version>", "version (default: the next whole number)")
      .option("-d, --description <text>", "description of this version")
      .option("--json", "print the version as JSON"),
  ).action(
    async (
      opts: { name: string; path: string; type?: string; version?: string; description?: string; json?: boolean } & AzOutputOptions,
    ) => {
      const local = path.resolve(opts.path);
      if (opts.type === "mlflow_model" || (opts.type === undefined && existsSync(path.join(local, "MLmodel")))) {
        note(
          'an MLflow model is registered as its files; Batchpoint has no no-code MLflow deployment, so deploy it with a scoring script that loads it (see docs/from-azure-ml.md, "MLflow models").',
        );
      }
      if (opts.type === "triton_model")
        note("a Triton model is registered as its files; Batchpoint runs no Triton server, so deploy it with a scoring script.");
      const client = await apiClient();
      const ref = await uploadModel(
        client,
        { kind: "local", name: opts.name, version: opts.version, path: local },
        { description: opts.description },
      );
      if (wantsAzOutput(opts)) {
        const [name, version] = [ref.slice(0, ref.lastIndexOf(":")), ref.slice(ref.lastIndexOf(":") + 1)];
        return printAz(
          {
            ...azModelVersion(await client.get<ModelVersion>(`/models/${enc(name)}/versions/${enc(version)}`)),
            type: opts.type ?? "custom_model",
          },
          opts,
        );
      }
      if (opts.json) return printJson({ ref });
      console.log(`Use it in a deployment YAML as  model: azureml:${ref}`);
    },
  );

  withAzOutput(
    model
      .command("list")
      .description("list registered models with their newest version")
      .option("--page <n>", "page", intArg(1))
      .option("--per-page <n>", "rows per page (max 200)", intArg(1))
      .option("--json", "print the API's page as JSON"),
  ).action(async (opts: { page?: number; perPage?: number; json?: boolean } & AzOutputOptions) => {
    const client = await apiClient();
    const page = await client.get<ModelPage>("/models", { page: opts.page, perPage: opts.perPage });
    if (wantsAzOutput(opts))
      return printAz(
        page.data.map((m) => azModelRow(m)),
        opts,
      );
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

  withAzOutput(
    model
      .command("show")
      .description("show a model's versions, or one version (--version V, or --label latest)")
      .requiredOption("-n, --name <name>", "model name")
      .option("-v, --version <version>", "one version")
      .option("-l, --label <label>", "latest: the newest version (az ml's only label)")
      .option("--json", "print as JSON"),
  ).action(async (opts: { name: string; version?: string; label?: string; json?: boolean } & AzOutputOptions) => {
    const client = await apiClient();
    if (opts.label !== undefined && opts.label !== "latest")
      throw new UsageError(`--label: Batchpoint knows the label 'latest' only, not '${opts.label}'.`);
    if (opts.label && opts.version) throw new UsageError("give --version or --label, not both.");
    let version = opts.version;
    if (opts.label) {
      const m = await client.get<Model>(`/models/${enc(opts.name)}`);
      version = latestOf(m.versions.map((v) => v.version));
      if (!version) throw new UsageError(`model '${opts.name}' has no versions.`);
    }
    if (version) {
      const v = await client.get<ModelVersion>(`/models/${enc(opts.name)}/versions/${enc(version)}`);
      if (wantsAzOutput(opts)) return printAz(azModelVersion(v), opts);
      if (opts.json) return printJson(v);
      return printFields([
        ["name", v.name],
        ["version", v.version],
        ["description", v.description],
        ["files", v.files],
        ["size", formatBytes(v.sizeBytes)],
        ["created", formatDate(v.createdAt)],
      ]);
    }
    const m = await client.get<Model>(`/models/${enc(opts.name)}`);
    if (wantsAzOutput(opts))
      return printAz(
        m.versions.map((v) => azModelVersion({ ...v, name: m.name })),
        opts,
      );
    if (opts.json) return printJson(m);
    console.log(`${m.name}${m.description ? ` — ${m.description}` : ""}`);
    printTable(m.versions, [
      ["version", (v) => v.version],
      ["files", (v) => v.files],
      ["size", (v) => formatBytes(v.sizeBytes)],
      ["created", (v) => formatDate(v.createdAt)],
      ["description", (v) => v.description],
    ]);
  });
}
