import type { Command } from "commander";
import type { Page } from "../client";
import { apiClient, collect, intArg } from "../context";
import { UsageError } from "../errors";
import { formatDate, printFields, printJson, printTable } from "../output";
import { registerInvoke } from "./invoke";

interface Endpoint {
  name: string;
  description: string | null;
  tags: Record<string, string>;
  defaultDeployment?: string | null;
  deploymentCount?: number;
  jobCount?: number;
  createdAt?: string;
  updatedAt?: string;
  [key: string]: unknown;
}

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

export function registerEndpoint(program: Command) {
  const endpoint = program.command("endpoint").description("batch endpoints: create, list, show, update, delete, invoke");

  endpoint
    .command("create")
    .description("create a batch endpoint")
    .requiredOption("-n, --name <name>", "endpoint name (3-32 letters, digits, dashes)")
    .option("-d, --description <text>", "description")
    .option("--tags <k=v...>", "tags as key=value (repeatable or comma-separated)", collect)
    .option("--json", "print the endpoint as JSON")
    .action(async (opts: { name: string; description?: string; tags?: string[]; json?: boolean }) => {
      const client = await apiClient();
      const created = await client.json<Endpoint>("POST", "/endpoints", { json: { name: opts.name, description: opts.description, tags: parseTagArgs(opts.tags) } });
      if (opts.json) return printJson(created);
      console.log(`Created endpoint '${created.name}'.`);
    });

  endpoint
    .command("list")
    .description("list the workspace's endpoints")
    .option("--page <n>", "page", intArg(1))
    .option("--per-page <n>", "rows per page (max 200)", intArg(1))
    .option("--json", "print the API's page as JSON")
    .action(async (opts: { page?: number; perPage?: number; json?: boolean }) => {
      const client = await apiClient();
      const page = await client.get<Page<Endpoint>>("/endpoints", { page: opts.page, perPage: opts.perPage });
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

  endpoint
    .command("show")
    .description("show one endpoint")
    .requiredOption("-n, --name <name>", "endpoint name")
    .option("--json", "print as JSON")
    .action(async (opts: { name: string; json?: boolean }) => {
      const client = await apiClient();
      const e = await client.get<Endpoint>(`/endpoints/${enc(opts.name)}`);
      if (opts.json) return printJson(e);
      const defaults = (e.defaults as { deploymentName?: string } | undefined)?.deploymentName;
      printFields([
        ["name", e.name],
        ["description", e.description],
        ["tags", e.tags],
        ["default deployment", e.defaultDeployment ?? defaults ?? (e.defaultDeploymentId ? String(e.defaultDeploymentId) : null)],
        ["deployments", Array.isArray(e.deployments) ? (e.deployments as { name: string }[]).map((d) => d.name).join(", ") : e.deploymentCount],
        ["jobs", e.jobCount],
        ["created", formatDate(e.createdAt)],
        ["updated", formatDate(e.updatedAt)],
      ]);
    });

  endpoint
    .command("update")
    .description("update an endpoint's description, tags or default deployment")
    .requiredOption("-n, --name <name>", "endpoint name")
    .option("-d, --description <text>", "new description")
    .option("--tags <k=v...>", "replace the tags (repeatable or comma-separated)", collect)
    .option("--set-default-deployment <deployment>", "make this deployment the endpoint's default")
    .option("--json", "print the endpoint as JSON")
    .action(async (opts: { name: string; description?: string; tags?: string[]; setDefaultDeployment?: string; json?: boolean }) => {
      const body: Record<string, unknown> = {};
      if (opts.description !== undefined) body.description = opts.description;
      if (opts.tags) body.tags = parseTagArgs(opts.tags);
      if (opts.setDefaultDeployment) body.defaults = { deploymentName: opts.setDefaultDeployment };
      if (!Object.keys(body).length) throw new UsageError("nothing to update: give --description, --tags or --set-default-deployment.");
      const client = await apiClient();
      const updated = await client.json<Endpoint>("PATCH", `/endpoints/${enc(opts.name)}`, { json: body });
      if (opts.json) return printJson(updated);
      console.log(`Updated endpoint '${opts.name}'.`);
    });

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
