import { readFile } from "node:fs/promises";
import type { Command } from "commander";
import { parse as parseYaml } from "yaml";
import type { CreatedEndpoint, Endpoint, EndpointPage } from "../api";
import { printAz, wantsAzOutput, withAzOutput, type AzOutputOptions } from "../az-output";
import { azEndpoint, azEndpointRow } from "../azure-shape";
import { apiClient, collect, intArg, note } from "../context";
import { UsageError } from "../errors";
import { formatDate, printFields, printJson, printTable } from "../output";
import { registerInvoke } from "./invoke";

/** `--tags a=1 --tags b=2` or `--tags a=1,b=2` (az ml style) → a tags object. */
export function parseTagArgs(values: string[] = []): Record<string, string> {
  const tags: Record<string, string> = {};
  for (const part of values.flatMap((v) => v.split(/[,\s]+/)).filter(Boolean)) {
    const eq = part.indexOf("=");
    if (eq === 0) throw new UsageError(`--tags expects key=value, not '${part}'.`);
    if (eq < 0) tags[part] = "";
    else tags[part.slice(0, eq)] = part.slice(eq + 1);
  }
  return tags;
}

const enc = encodeURIComponent;

export interface EndpointFile {
  name?: string;
  description?: string;
  tags?: Record<string, string>;
  notes: string[];
}

/** Reads an Azure batch endpoint YAML (`batchEndpoint.schema.json`): name, description, tags; other keys are named in a note. */
export function parseEndpointYaml(text: string): EndpointFile {
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (e) {
    throw new UsageError(`the endpoint file is not valid YAML: ${(e as Error).message.split("\n")[0]}`);
  }
  if (typeof doc !== "object" || doc === null || Array.isArray(doc))
    throw new UsageError("the endpoint file must be a YAML mapping with name, description, tags.");
  const d = doc as Record<string, unknown>;
  if (d.name !== undefined && typeof d.name !== "string") throw new UsageError("name in the endpoint file must be text.");
  if (d.description !== undefined && d.description !== null && typeof d.description !== "string")
    throw new UsageError("description in the endpoint file must be text.");
  let tags: Record<string, string> | undefined;
  if (d.tags !== undefined && d.tags !== null) {
    if (typeof d.tags !== "object" || Array.isArray(d.tags))
      throw new UsageError("tags in the endpoint file must be a mapping of key: value.");
    tags = Object.fromEntries(Object.entries(d.tags as Record<string, unknown>).map(([k, v]) => [k, v === null ? "" : String(v)]));
  }
  const unread = Object.keys(d).filter((k) => !["$schema", "name", "description", "tags"].includes(k));
  const notes = unread.length
    ? [
        `not acted on by Batchpoint: ${unread.join(", ")} (endpoints are reached with a workspace API token; defaults are set by deployment create --set-default or endpoint update --set defaults.deployment_name=D); see docs/from-azure-ml.md`,
      ]
    : [];
  return {
    name: typeof d.name === "string" ? d.name : undefined,
    description: typeof d.description === "string" ? d.description : undefined,
    tags,
    notes,
  };
}

/** `az ml batch-endpoint update --set KEY=VALUE`: defaults.deployment_name, description, tags.KEY. */
export function parseEndpointSets(values: string[] = []): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const v of values) {
    const eq = v.indexOf("=");
    if (eq <= 0) throw new UsageError(`--set expects KEY=VALUE, not '${v}'.`);
    const key = v.slice(0, eq).trim();
    const value = v.slice(eq + 1);
    if (key === "defaults.deployment_name") body.defaults = { deploymentName: value.trim() };
    else if (key === "description") body.description = value;
    else if (key.startsWith("tags.") && key.length > 5)
      body.tags = { ...((body.tags as Record<string, string>) ?? {}), [key.slice(5)]: value };
    else throw new UsageError(`--set: unknown key '${key}'. An endpoint takes defaults.deployment_name, description and tags.KEY.`);
  }
  return body;
}

export function registerEndpoint(program: Command) {
  const endpoint = program
    .command("endpoint")
    .alias("batch-endpoint")
    .description("batch endpoints: create, list, show, update, delete, invoke (alias: batch-endpoint, as in az ml)");

  withAzOutput(
    endpoint
      .command("create")
      .description("create a batch endpoint, from flags or an Azure endpoint.yml (--file)")
      .option("-n, --name <name>", "endpoint name (3-32 letters, digits, dashes); overrides the file's")
      .option("-f, --file <endpoint.yml>", "Azure batch endpoint YAML (name, description, tags)")
      .option("-d, --description <text>", "description")
      .option("--tags <k=v...>", "tags as key=value (repeatable or comma-separated)", collect)
      .option("--json", "print the endpoint as JSON"),
  ).action(async (opts: { name?: string; file?: string; description?: string; tags?: string[]; json?: boolean } & AzOutputOptions) => {
    const fromFile = opts.file
      ? parseEndpointYaml(await readFile(opts.file, "utf8").catch(() => Promise.reject(new UsageError(`cannot read ${opts.file}.`))))
      : undefined;
    const name = opts.name ?? fromFile?.name;
    if (!name) throw new UsageError("give --name (or name in the --file).");
    for (const n of fromFile?.notes ?? []) note(n);
    const tags = opts.tags ? parseTagArgs(opts.tags) : (fromFile?.tags ?? {});
    const client = await apiClient();
    await client.json<CreatedEndpoint>("POST", "/endpoints", {
      json: { name, description: opts.description ?? fromFile?.description, tags },
    });
    if (wantsAzOutput(opts) || opts.json) {
      const e = await client.get<Endpoint>(`/endpoints/${enc(name)}`);
      return opts.json && !wantsAzOutput(opts) ? printJson(e) : printAz(azEndpoint(e), opts);
    }
    console.log(`Created endpoint '${name}'.`);
  });

  withAzOutput(
    endpoint
      .command("list")
      .description("list the workspace's endpoints")
      .option("--page <n>", "page", intArg(1))
      .option("--per-page <n>", "rows per page (max 200)", intArg(1))
      .option("--json", "print the API's page as JSON"),
  ).action(async (opts: { page?: number; perPage?: number; json?: boolean } & AzOutputOptions) => {
    const client = await apiClient();
    const page = await client.get<EndpointPage>("/endpoints", { page: opts.page, perPage: opts.perPage });
    if (wantsAzOutput(opts)) return printAz(page.data.map(azEndpointRow), opts);
    if (opts.json) return printJson(page);
    if (!page.data.length) return console.log("No endpoints. Create one with `batchpoint endpoint create --name NAME`.");
    printTable(page.data, [
      ["name", (e) => e.name],
      ["default deployment", (e) => e.defaultDeployment],
      ["deployments", (e) => e.deploymentCount],
      ["jobs", (e) => e.jobCount],
      ["tags", (e) => e.tags],
      ["description", (e) => e.description],
    ]);
    if (page.totalPages > 1) console.log(`page ${page.page} of ${page.totalPages} (${page.count} endpoints); use --page N`);
  });

  withAzOutput(
    endpoint
      .command("show")
      .description("show one endpoint")
      .requiredOption("-n, --name <name>", "endpoint name")
      .option("--json", "print as JSON"),
  ).action(async (opts: { name: string; json?: boolean } & AzOutputOptions) => {
    const client = await apiClient();
    const e = await client.get<Endpoint>(`/endpoints/${enc(opts.name)}`);
    if (wantsAzOutput(opts)) return printAz(azEndpoint(e), opts);
    if (opts.json) return printJson(e);
    printFields([
      ["name", e.name],
      ["description", e.description],
      ["tags", e.tags],
      ["default deployment", e.defaults.deploymentName],
      ["deployments", e.deployments.map((d) => d.name).join(", ")],
      ["created", formatDate(e.createdAt)],
      ["updated", formatDate(e.updatedAt)],
    ]);
  });

  withAzOutput(
    endpoint
      .command("update")
      .description("update an endpoint's description, tags or default deployment")
      .requiredOption("-n, --name <name>", "endpoint name")
      .option("-d, --description <text>", "new description")
      .option("--tags <k=v...>", "replace the tags (repeatable or comma-separated)", collect)
      .option("--set-default-deployment <deployment>", "make this deployment the endpoint's default")
      .option("--set <key=value>", "as in az ml: defaults.deployment_name=D, description=TEXT, tags.KEY=VALUE (repeatable)", collect)
      .option("--json", "print the endpoint as JSON"),
  ).action(
    async (
      opts: {
        name: string;
        description?: string;
        tags?: string[];
        setDefaultDeployment?: string;
        set?: string[];
        json?: boolean;
      } & AzOutputOptions,
    ) => {
      const body: Record<string, unknown> = parseEndpointSets(opts.set);
      if (opts.description !== undefined) body.description = opts.description;
      if (opts.tags) body.tags = parseTagArgs(opts.tags);
      if (opts.setDefaultDeployment) body.defaults = { deploymentName: opts.setDefaultDeployment };
      if (!Object.keys(body).length)
        throw new UsageError(
          "nothing to update: give --set defaults.deployment_name=D, --description, --tags or --set-default-deployment.",
        );
      const client = await apiClient();
      // --set tags.KEY=VALUE changes one tag, as in az; the API's tags replace all, so merge with the current ones.
      if (body.tags && !opts.tags)
        body.tags = { ...(await client.get<Endpoint>(`/endpoints/${enc(opts.name)}`)).tags, ...(body.tags as Record<string, string>) };
      const updated = await client.json<Endpoint>("PATCH", `/endpoints/${enc(opts.name)}`, { json: body });
      if (wantsAzOutput(opts)) return printAz(azEndpoint(updated), opts);
      if (opts.json) return printJson(updated);
      console.log(`Updated endpoint '${opts.name}'.`);
    },
  );

  endpoint
    .command("delete")
    .description("delete an endpoint and its deployments (its jobs are kept)")
    .requiredOption("-n, --name <name>", "endpoint name")
    .option("-y, --yes", "accepted for az ml compatibility; the CLI never prompts")
    .action(async (opts: { name: string }) => {
      const client = await apiClient();
      await client.request("DELETE", `/endpoints/${enc(opts.name)}`);
      console.log(`Deleted endpoint '${opts.name}'.`);
    });

  registerInvoke(endpoint);
}
