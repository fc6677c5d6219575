import { readFile } from "node:fs/promises";
import type { Command } from "commander";
import { parse as parseYaml } from "yaml";
import { apiClient } from "../context";
import { UsageError } from "../errors";
import { formatDate, printFields, printJson, printTable } from "../output";

interface Datastore {
  name: string;
  kind: "azure_blob" | "filesystem";
  auth: string;
  accountName: string | null;
  containerName: string;
  description: string | null;
  isDefault: boolean;
  createdAt: string;
}

const KINDS = ["filesystem", "azure_blob"] as const;

/**
 * The REST body for `datastore create`: from flags, or from an az ml datastore YAML (`name`, `type`,
 * `description`, `account_name`, `container_name`, `credentials.account_key` or `credentials.sas_token`).
 */
export function datastoreBody(opts: { name?: string; type?: string; description?: string }, yamlText?: string): Record<string, unknown> {
  let doc: Record<string, unknown> = {};
  if (yamlText !== undefined) {
    const parsed = parseYaml(yamlText) as unknown;
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed))
      throw new UsageError("the datastore file must be a YAML mapping with name and type.");
    doc = parsed as Record<string, unknown>;
  }
  const name = opts.name ?? (doc.name as string | undefined);
  const kind = opts.type ?? (doc.type as string | undefined) ?? "azure_blob";
  const description = opts.description ?? (doc.description as string | undefined);
  if (!name) throw new UsageError("give the datastore's name: --name NAME (or name: in --file).");
  if (!KINDS.includes(kind as (typeof KINDS)[number]))
    throw new UsageError(`--type '${kind}' is not a datastore kind Batchpoint has: use filesystem (a folder on the server) or azure_blob.`);
  if (kind === "filesystem") return { kind, name, ...(description ? { description } : {}) };
  const creds = (doc.credentials ?? {}) as Record<string, unknown>;
  const account = doc.account_name as string | undefined;
  const container = doc.container_name as string | undefined;
  if (!account || !container) throw new UsageError("an azure_blob datastore needs account_name and container_name in --file.");
  if (typeof creds.account_key === "string")
    return { kind, auth: "account_key", name, description, accountName: account, containerName: container, accountKey: creds.account_key };
  if (typeof creds.sas_token === "string")
    return { kind, auth: "sas", name, description, accountName: account, containerName: container, sasToken: creds.sas_token };
  throw new UsageError("an azure_blob datastore needs credentials.account_key or credentials.sas_token in --file.");
}

/** `batchpoint datastore create|list|show` (az ml datastore). */
export function registerDatastore(program: Command) {
  const ds = program.command("datastore").description("datastores: folders on the server (filesystem) or Azure Blob containers");

  ds.command("create")
    .description("create a filesystem datastore (--type filesystem), or register an Azure Blob container (--file datastore.yml)")
    .option("-n, --name <name>", "the datastore's name (letters, digits, underscores)")
    .option("--type <kind>", "filesystem or azure_blob (default azure_blob, or type: in --file)")
    .option("--description <text>", "a description")
    .option("-f, --file <yaml>", "an az ml datastore YAML")
    .option("--json", "print the API's answer as JSON")
    .action(async (opts: { name?: string; type?: string; description?: string; file?: string; json?: boolean }) => {
      const yamlText = opts.file ? await readFile(opts.file, "utf8") : undefined;
      const body = datastoreBody(opts, yamlText);
      const client = await apiClient();
      const created = await client.json<Datastore>("POST", "/datastores", { json: body });
      if (opts.json) return printJson(created);
      console.log(
        created.kind === "filesystem"
          ? `Created filesystem datastore ${created.name}: upload with \`batchpoint data upload DIR --datastore ${created.name}\`; jobs read its files in place.`
          : `Registered datastore ${created.name} (${created.accountName}/${created.containerName}).`,
      );
    });

  ds.command("list")
    .description("list the workspace's datastores")
    .option("--json", "print as JSON")
    .action(async (opts: { json?: boolean }) => {
      const res = await (await apiClient()).get<{ data: Datastore[] }>("/datastores");
      if (opts.json) return printJson(res);
      printTable(res.data, [
        ["name", (d) => (d.isDefault ? `${d.name} (default)` : d.name)],
        ["kind", (d) => d.kind],
        ["container or folder", (d) => d.containerName],
        ["account", (d) => (d.kind === "filesystem" ? "" : (d.accountName ?? "platform"))],
        ["created", (d) => formatDate(d.createdAt)],
      ]);
    });

  ds.command("show")
    .description("show one datastore")
    .requiredOption("-n, --name <name>", "the datastore's name")
    .option("--json", "print as JSON")
    .action(async (opts: { name: string; json?: boolean }) => {
      const d = await (await apiClient()).get<Datastore>(`/datastores/${encodeURIComponent(opts.name)}`);
      if (opts.json) return printJson(d);
      printFields([
        ["name", d.name],
        ["kind", d.kind],
        [d.kind === "filesystem" ? "folder" : "container", d.containerName],
        ["account", d.kind === "filesystem" ? null : (d.accountName ?? "the platform's")],
        ["description", d.description],
        ["path syntax", `datastores/${d.name}/paths/<path>`],
      ]);
    });
}
