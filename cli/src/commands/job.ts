import { Option, type Command } from "commander";
import type { ApiClient, Page } from "../client";
import { apiClient, intArg, pollIntervalMs } from "../context";
import { ApiError, JobEndedError, UsageError } from "../errors";
import { formatBytes, formatDate, formatDuration, printFields, printJson, printTable } from "../output";
import { inputUnit, JobProgressDisplay, progressLine, type JobProgressView } from "../progress";

export interface Job extends JobProgressView {
  name: string;
  endpoint?: string;
  deployment?: string;
  deploymentVersion?: number;
  output?: { path: string; fileName: string };
  error?: string | null;
  createdAt?: string;
  startedAt?: string | null;
  finishedAt?: string | null;
  /** list rows: file counts */
  files?: { total: number; completed: number; failed: number };
}

const FINISHED = new Set(["completed", "completed_with_errors", "failed", "canceled"]);
const MAX_POLL_FAILURES = 5;
const JOB_STATUSES = ["queued", "preparing", "running", "finalizing", "completed", "completed_with_errors", "failed", "canceled"];
const enc = encodeURIComponent;

/** Follows a job until it finishes, showing progress; a failed or canceled job exits 1. */
export async function waitForJob(client: ApiClient, name: string, opts: { json?: boolean } = {}): Promise<Job> {
  const display = opts.json ? null : new JobProgressDisplay(name);
  let job: Job;
  try {
    let failures = 0;
    for (;;) {
      try {
        job = await client.get<Job>(`/jobs/${enc(name)}`);
        failures = 0;
      } catch (e) {
        // A long job outlives a server restart or a network blip: keep following through a few.
        if ((e instanceof ApiError && e.status < 500) || ++failures > MAX_POLL_FAILURES) throw e;
        await new Promise((r) => setTimeout(r, pollIntervalMs() * 2 ** failures));
        continue;
      }
      display?.update(job);
      if (FINISHED.has(job.status)) break;
      await new Promise((r) => setTimeout(r, pollIntervalMs()));
    }
  } finally {
    display?.stop();
  }
  if (opts.json) printJson(job);
  else printJobSummary(job);
  if (job.status !== "completed") throw new JobEndedError(`job ${job.name} ${job.status}${job.error ? `: ${job.error}` : ""}`);
  return job;
}

function printJobSummary(job: Job) {
  const p = job.progress;
  const files = p ? `${p.files.completed} of ${p.files.total} ${inputUnit(job)} scored${p.files.failed ? `, ${p.files.failed} failed` : ""}` : "";
  console.log(`Job ${job.name} ${job.status}${files ? `: ${files}` : ""}${p?.elapsedSeconds != null ? ` in ${formatDuration(p.elapsedSeconds)}` : ""}.`);
  if (job.status === "completed" && job.output?.fileName) {
    console.log(`Output: ${joinOutput(job)}  (download: batchpoint job download ${job.name})`);
  }
}

function joinOutput(job: Job) {
  return job.output ? `${job.output.path.replace(/\/?$/, "/")}${job.output.fileName}` : "-";
}

function jobNameOf(positional: string | undefined, opts: { name?: string }): string {
  const name = positional ?? opts.name;
  if (!name) throw new UsageError("give the job name: batchpoint job show NAME (or --name NAME).");
  return name;
}

export function registerJob(program: Command) {
  const job = program.command("job").description("batch jobs: list, show (follow), cancel, download, logs, retry-failed");

  job
    .command("list")
    .description("list jobs, newest first")
    .option("-e, --endpoint <endpoint>", "only this endpoint's jobs")
    .option("--endpoint-name <endpoint>", "same as --endpoint (az ml spelling)")
    .addOption(new Option("-s, --status <status>", "only jobs in this status").choices(JOB_STATUSES))
    .option("--page <n>", "page", intArg(1))
    .option("--per-page <n>", "rows per page (max 200)", intArg(1))
    .option("--json", "print the API's page as JSON")
    .action(async (opts: { endpoint?: string; endpointName?: string; status?: string; page?: number; perPage?: number; json?: boolean }) => {
      const client = await apiClient();
      const page = await client.get<Page<Job>>("/jobs", { endpoint: opts.endpoint ?? opts.endpointName, status: opts.status, page: opts.page, perPage: opts.perPage });
      if (opts.json) return printJson(page);
      if (!page.data.length) return console.log("No jobs.");
      printTable(page.data, [
        ["name", (j) => j.name],
        ["status", (j) => j.status],
        ["endpoint", (j) => j.endpoint],
        ["deployment", (j) => j.deployment],
        ["files", (j) => (j.files?.total ? `${j.files.completed + j.files.failed}/${j.files.total}${j.files.failed ? ` (${j.files.failed} failed)` : ""}` : "-")],
        ["created", (j) => formatDate(j.createdAt)],
      ]);
      if (page.totalPages > 1) console.log(`page ${page.page} of ${page.totalPages} (${page.count} jobs); use --page N`);
    });

  job
    .command("show")
    .description("show a job; --wait follows it with a live progress bar until it finishes")
    .argument("[name]", "job name")
    .option("-n, --name <name>", "job name (instead of the argument)")
    .option("--wait", "follow the job until it finishes; exit 1 if it fails or is canceled")
    .option("--json", "print as JSON")
    .action(async (positional: string | undefined, opts: { name?: string; wait?: boolean; json?: boolean }) => {
      const client = await apiClient();
      const name = jobNameOf(positional, opts);
      if (opts.wait) return void (await waitForJob(client, name, { json: opts.json }));
      const j = await client.get<Job>(`/jobs/${enc(name)}`);
      if (opts.json) return printJson(j);
      const p = j.progress;
      printFields([
        ["name", j.name],
        ["status", j.status],
        ["endpoint", j.endpoint],
        ["deployment", j.deploymentVersion ? `${j.deployment} (v${j.deploymentVersion})` : j.deployment],
        ["progress", p ? progressLine(j).slice(j.status.padEnd(10).length + 1).trim() : undefined],
        ["elapsed", p ? formatDuration(p.elapsedSeconds) : undefined],
        ["created", formatDate(j.createdAt)],
        ["started", formatDate(j.startedAt)],
        ["finished", formatDate(j.finishedAt)],
        ["output", j.output ? joinOutput(j) : undefined],
        ["error", j.error ?? undefined],
      ]);
    });

  job
    .command("cancel")
    .description("cancel a queued or running job")
    .argument("[name]", "job name")
    .option("-n, --name <name>", "job name (instead of the argument)")
    .action(async (positional: string | undefined, opts: { name?: string }) => {
      const client = await apiClient();
      const name = jobNameOf(positional, opts);
      const res = await client.json<{ status?: string }>("POST", `/jobs/${enc(name)}/cancel`);
      console.log(`Cancel requested for job ${name}${res.status ? ` (status: ${res.status})` : ""}.`);
    });

  job
    .command("retry-failed")
    .description("run a finished job's failed mini-batches again")
    .argument("[name]", "job name")
    .option("-n, --name <name>", "job name (instead of the argument)")
    .option("--wait", "follow the job until it finishes; exit 1 if it fails")
    .action(async (positional: string | undefined, opts: { name?: string; wait?: boolean }) => {
      const client = await apiClient();
      const name = jobNameOf(positional, opts);
      const res = await client.json<{ status?: string; miniBatches?: number }>("POST", `/jobs/${enc(name)}/retry-failed`);
      console.log(`Retrying ${typeof res.miniBatches === "number" ? `${res.miniBatches} ` : ""}failed mini-batch(es) of job ${name}.`);
      if (opts.wait) await waitForJob(client, name);
    });

  job
    .command("download")
    .description("download a job's predictions file (--all: also errors.jsonl and job-summary.json)")
    .argument("[name]", "job name")
    .option("-n, --name <name>", "job name (instead of the argument)")
    .option("-o, --output-dir <dir>", "folder to write into", ".")
    .option("--download-path <dir>", "same as --output-dir (az ml spelling)")
    .option("--all", "also download errors.jsonl and job-summary.json")
    .action(async (positional: string | undefined, opts: { name?: string; outputDir: string; downloadPath?: string; all?: boolean }) => {
      const client = await apiClient();
      const name = jobNameOf(positional, opts);
      const dir = opts.downloadPath ?? opts.outputDir;
      const files: [route: string, fallback: string][] = [["output", "predictions.csv"]];
      if (opts.all) files.push(["errors", "errors.jsonl"], ["summary", "job-summary.json"]);
      for (const [route, fallback] of files) {
        try {
          const { file, bytes } = await client.download(`/jobs/${enc(name)}/${route}`, dir, fallback);
          console.log(`Downloaded ${file} (${formatBytes(bytes)}).`);
        } catch (e) {
          // With --all, a file the job did not write (no errors, or summary_only) is reported, not fatal.
          if (!(opts.all && e instanceof ApiError && e.status === 404)) throw e;
          console.error(`note: ${e.message}`);
        }
      }
    });

  job
    .command("logs")
    .description("print the scoring script's logs, per mini-batch")
    .argument("[name]", "job name")
    .option("-n, --name <name>", "job name (instead of the argument)")
    .option("--mini-batch <n>", "only this mini-batch (index from 0)", intArg(0))
    .action(async (positional: string | undefined, opts: { name?: string; miniBatch?: number }) => {
      const client = await apiClient();
      const name = jobNameOf(positional, opts);
      const res = await client.request("GET", `/jobs/${enc(name)}/logs`, { query: { miniBatch: opts.miniBatch }, headers: { accept: "text/plain, application/json;q=0.9" } });
      const text = await res.text();
      if (!text.trim()) return console.log(opts.miniBatch !== undefined ? `No logs for mini-batch ${opts.miniBatch}.` : "No logs yet.");
      process.stdout.write(text.endsWith("\n") ? text : `${text}\n`);
    });
}
