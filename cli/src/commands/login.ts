import type { Command } from "commander";
import type { WorkspaceInfo } from "../api";
import { ApiClient } from "../client";
import { configPath, normalizeUrl, readConfig, writeConfig } from "../config";
import { apiClient } from "../context";
import { UsageError } from "../errors";
import { printJson } from "../output";

export function registerLogin(program: Command) {
  program
    .command("login")
    .description("store the server URL and an API token (checked against the server) in your config dir")
    .option("--url <url>", "Batchpoint server, e.g. http://localhost:3000 (default: BATCHPOINT_URL)")
    .option("--token <token>", "workspace API token, bp_... (default: BATCHPOINT_TOKEN)")
    .option("--json", "print the workspace and role as JSON")
    .action(async (opts: { url?: string; token?: string; json?: boolean }) => {
      const stored = await readConfig();
      const url = opts.url ?? process.env.BATCHPOINT_URL ?? stored.url;
      const token = opts.token ?? process.env.BATCHPOINT_TOKEN;
      if (!url || !token) throw new UsageError("give --url and --token (a workspace API token from Settings → API tokens).");
      const creds = { url: normalizeUrl(url), token: token.trim() };
      const me = await new ApiClient(creds).get<WorkspaceInfo>("/workspace");
      const file = await writeConfig(creds);
      if (opts.json) return printJson({ ...me, url: creds.url, config: file });
      console.log(`Logged in to ${creds.url}: workspace '${me.workspace.name ?? me.workspace.slug}' (${me.workspace.slug}) as ${me.role}.`);
      console.log(`Credentials saved to ${file} (readable only by you).`);
    });

  program
    .command("whoami")
    .description("show the server, workspace and role the CLI uses")
    .option("--json", "print as JSON")
    .action(async (opts: { json?: boolean }) => {
      const client = await apiClient();
      const me = await client.get<WorkspaceInfo>("/workspace");
      if (opts.json) return printJson({ ...me, url: client.baseUrl });
      console.log(`${client.baseUrl}: workspace '${me.workspace.name ?? me.workspace.slug}' (${me.workspace.slug}) as ${me.role}`);
      console.log(`config: ${configPath()}`);
    });
}
