import { readFile } from "node:fs/promises";
import { type Command, Option } from "commander";
import { parse as parseYaml } from "yaml";
import type { JobDefinition, JobDefinitionPage, JobDefinitionRun, JobPage } from "../api";
import { apiClient, intArg } from "../context";
import { UsageError } from "../errors";
import { DATA_INPUT_TYPES, dataInputTypeWords } from "../invoke-inputs";
import { formatDate, printFields, printJson, printTable } from "../output";

const enc = encodeURIComponent;

interface DefinitionFlags {
  file?: string;
  name?: string;
  description?: string;
  endpointName?: string;
  deploymentName?: string;
  input?: string;
  inputType?: string;
  outputPath?: string;
  schedule?: string;
  timezone?: string;
  overlapPolicy?: string;
  disabled?: boolean;
}

/** The REST body from a YAML/JSON file (the API's field names), overridden by flags. */
async function definitionBody(opts: DefinitionFlags, { creating }: { creating: boolean }): Promise<Record<string, unknown>> {
  let body: Record<string, unknown> = {};
  if (opts.file) {
    const parsed = parseYaml(await readFile(opts.file, "utf8"));
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed))
      throw new UsageError(`${opts.file} must hold a job definition object (name, endpointName, spec, schedule, ...).`);
    body = parsed as Record<string, unknown>;
  }
  const set = (key: string, value: unknown) => {
    if (value !== undefined) body[key] = value;
  };
  if (creating) set("name", opts.name);
  set("description", opts.description);
  set("endpointName", opts.endpointName);
  set("deploymentName", opts.deploymentName);
  set("schedule", opts.schedule === "none" ? null : opts.schedule);
  set("timezone", opts.timezone);
  set("overlapPolicy", opts.overlapPolicy);
  if (opts.disabled) body.enabled = false;
  if (opts.input || opts.outputPath) {
    const spec = { ...((body.spec as Record<string, unknown>) ?? {}) };
    if (opts.input) spec.input = { type: opts.inputType ?? "uri_folder", path: opts.input };
    if (opts.outputPath) spec.output = { path: opts.outputPath };
    body.spec = spec;
  } else if (opts.inputType) {
    throw new UsageError("--input-type needs --input.");
  }
  return body;
}

function withDefinitionFlags(cmd: Command, { creating }: { creating: boolean }) {
  return cmd
    .option("-f, --file <file>", "a YAML or JSON file with the definition's fields (as the REST API takes them)")
    .option("-d, --description <text>", "description")
    .option(creating ? "-e, --endpoint-name <endpoint>" : "--endpoint-name <endpoint>", "the endpoint it invokes")
    .option("--deployment-name <deployment>", "a deployment of the endpoint (default: the endpoint's default at each run)")
    .option("-i, --input <path>", "the data input (a datastore path or azureml:// URI)")
    .addOption(
      new Option("--input-type <type>", `the data input's type: ${dataInputTypeWords()} (default uri_folder)`).choices([
        ...DATA_INPUT_TYPES,
      ]),
    )
    .option("--output-path <path>", "where results go; {date}, {time}, {datetime}, {definition} and {job} name each run")
    .option("--schedule <cron>", 'a five-field cron expression, e.g. "0 2 * * *" ("none" removes the schedule)')
    .option("--timezone <tz>", "IANA time zone of the schedule (default UTC)")
    .option("--overlap-policy <policy>", "skip (default) or allow a run while the previous job is unfinished")
    .option("--disabled", creating ? "create it disabled" : "disable it");
}

function printDefinition(d: JobDefinition) {
  const run = (r: JobDefinition["lastRun"]) => (r ? `${r.job} (${r.status}, ${formatDate(r.at)})` : "-");
  printFields([
    ["name", d.name],
    ["description", d.description],
    ["endpoint", d.endpoint],
    ["deployment", d.deployment ?? "(the endpoint's default)"],
    ["input", (d.spec.input as { path?: string } | undefined)?.path],
    ["output", (d.spec.output as { path?: string } | undefined)?.path],
    ["schedule", d.schedule ? `${d.schedule.cron} (${d.schedule.timezone})` : "none (run it with `job-definition run`)"],
    ["enabled", d.enabled ? "yes" : "no"],
    ["overlap", d.overlapPolicy],
    ["next run", formatDate(d.nextRunAt)],
    ["last run", run(d.lastRun)],
    ["last success", run(d.lastSuccessfulRun)],
    ["note", d.lastRunNote ?? undefined],
  ]);
}

export function registerJobDefinition(program: Command) {
  const defs = program
    .command("job-definition")
    .alias("schedule")
    .description(
      "saved job specs with optional schedules (DataRobot job definitions): create, list, show, update, enable, disable, run, clone, jobs, delete",
    );

  withDefinitionFlags(defs.command("create").description("save a job spec, optionally on a schedule"), { creating: true })
    .option("-n, --name <name>", "definition name (3-32 letters, digits, dashes)")
    .option("--json", "print the definition as JSON")
    .action(async (opts: DefinitionFlags & { json?: boolean }) => {
      const body = await definitionBody(opts, { creating: true });
      if (!body.name) throw new UsageError("give --name (or name in --file).");
      const client = await apiClient();
      const d = await client.json<JobDefinition>("POST", "/job-definitions", { json: body });
      if (opts.json) return printJson(d);
      console.log(`Created job definition '${d.name}'.${d.nextRunAt ? ` Next run: ${formatDate(d.nextRunAt)}.` : ""}`);
    });

  defs
    .command("list")
    .description("list the workspace's job definitions with their next and last runs")
    .option("--page <n>", "page", intArg(1))
    .option("--per-page <n>", "rows per page (max 200)", intArg(1))
    .option("--json", "print the API's page as JSON")
    .action(async (opts: { page?: number; perPage?: number; json?: boolean }) => {
      const client = await apiClient();
      const page = await client.get<JobDefinitionPage>("/job-definitions", { page: opts.page, perPage: opts.perPage });
      if (opts.json) return printJson(page);
      if (!page.data.length)
        return console.log(
          "No job definitions. Create one with `batchpoint job-definition create --name NAME --endpoint-name E --input PATH --schedule CRON`.",
        );
      printTable(page.data, [
        ["name", (d) => d.name],
        ["endpoint", (d) => d.endpoint],
        ["schedule", (d) => (d.schedule ? `${d.schedule.cron} ${d.schedule.timezone}` : null)],
        ["enabled", (d) => (d.enabled ? "yes" : "no")],
        ["next run", (d) => formatDate(d.nextRunAt)],
        ["last run", (d) => (d.lastRun ? `${d.lastRun.job} ${d.lastRun.status}` : null)],
      ]);
      if (page.totalPages > 1) console.log(`page ${page.page} of ${page.totalPages} (${page.count} definitions); use --page N`);
    });

  defs
    .command("show")
    .description("show one job definition")
    .requiredOption("-n, --name <name>", "definition name")
    .option("--json", "print as JSON")
    .action(async (opts: { name: string; json?: boolean }) => {
      const d = await (await apiClient()).get<JobDefinition>(`/job-definitions/${enc(opts.name)}`);
      if (opts.json) return printJson(d);
      printDefinition(d);
    });

  withDefinitionFlags(defs.command("update").description("change a job definition"), { creating: false })
    .requiredOption("-n, --name <name>", "definition name")
    .option("--new-name <name>", "rename it")
    .option("--json", "print the definition as JSON")
    .action(async (opts: DefinitionFlags & { name: string; newName?: string; json?: boolean }) => {
      const body = await definitionBody(opts, { creating: false });
      if (opts.newName) body.name = opts.newName;
      if (!Object.keys(body).length)
        throw new UsageError("nothing to update: give --file or a flag such as --schedule, --timezone, --input, --output-path.");
      const d = await (await apiClient()).json<JobDefinition>("PATCH", `/job-definitions/${enc(opts.name)}`, { json: body });
      if (opts.json) return printJson(d);
      console.log(`Updated job definition '${d.name}'.${d.nextRunAt ? ` Next run: ${formatDate(d.nextRunAt)}.` : ""}`);
    });

  for (const [verb, enabled] of [
    ["enable", true],
    ["disable", false],
  ] as const) {
    defs
      .command(verb)
      .description(enabled ? "resume the schedule (the next run is computed from now)" : "pause the schedule; run now still works")
      .requiredOption("-n, --name <name>", "definition name")
      .action(async (opts: { name: string }) => {
        const d = await (await apiClient()).json<JobDefinition>("PATCH", `/job-definitions/${enc(opts.name)}`, { json: { enabled } });
        console.log(
          `${enabled ? "Enabled" : "Disabled"} job definition '${d.name}'.${d.nextRunAt ? ` Next run: ${formatDate(d.nextRunAt)}.` : ""}`,
        );
      });
  }

  defs
    .command("run")
    .description("run the definition now, outside its schedule; prints the job's name")
    .requiredOption("-n, --name <name>", "definition name")
    .option("--json", "print the API's answer as JSON")
    .action(async (opts: { name: string; json?: boolean }) => {
      const r = await (await apiClient()).json<JobDefinitionRun>("POST", `/job-definitions/${enc(opts.name)}/run`);
      if (opts.json) return printJson(r);
      console.log(r.name);
    });

  defs
    .command("clone")
    .description("copy a definition under a new name (the copy starts disabled)")
    .requiredOption("-n, --name <name>", "definition to copy")
    .requiredOption("--new-name <name>", "name of the copy")
    .action(async (opts: { name: string; newName: string }) => {
      const d = await (await apiClient()).json<JobDefinition>("POST", `/job-definitions/${enc(opts.name)}/clone`, {
        json: { name: opts.newName },
      });
      console.log(`Created job definition '${d.name}' (disabled) from '${opts.name}'.`);
    });

  defs
    .command("jobs")
    .description("the jobs a definition started, newest first")
    .requiredOption("-n, --name <name>", "definition name")
    .option("--page <n>", "page", intArg(1))
    .option("--json", "print the API's page as JSON")
    .action(async (opts: { name: string; page?: number; json?: boolean }) => {
      const page = await (await apiClient()).get<JobPage>(`/job-definitions/${enc(opts.name)}/jobs`, { page: opts.page });
      if (opts.json) return printJson(page);
      if (!page.data.length) return console.log(`No jobs yet. Start one with \`batchpoint job-definition run --name ${opts.name}\`.`);
      printTable(page.data, [
        ["job", (j) => j.name],
        ["status", (j) => j.status],
        ["created", (j) => formatDate(j.createdAt)],
        ["inputs", (j) => j.files.total],
        ["failed", (j) => j.files.failed],
      ]);
    });

  defs
    .command("delete")
    .description("delete a definition (its jobs are kept)")
    .requiredOption("-n, --name <name>", "definition name")
    .option("-y, --yes", "accepted for az ml compatibility; the CLI never prompts")
    .action(async (opts: { name: string }) => {
      await (await apiClient()).request("DELETE", `/job-definitions/${enc(opts.name)}`);
      console.log(`Deleted job definition '${opts.name}'.`);
    });
}
