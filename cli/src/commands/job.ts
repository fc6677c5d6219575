import { mkdir } from "node:fs/promises";
import path from "node:path";
import { Option, type Command } from "commander";
import type {
  Job,
  JobCanceling,
  JobItems,
  JobOutputFile,
  JobOutputs,
  JobPage,
  JobRetrying,
  JobSummary,
  MiniBatchPage,
  WorkspaceInfo,
} from "../api";
import type { ApiClient } from "../client";
import { printAz, wantsAzOutput, withAzOutput, type AzOutputOptions } from "../az-output";
import { azJob, azureStatus, jobWebUrl } from "../azure-shape";
import { apiClient, intArg, note, pollIntervalMs } from "../context";
import { ApiError, EXIT, JobEndedError, UsageError } from "../errors";
import { formatBytes, formatDate, formatDuration, printFields, printJson, printTable } from "../output";
import { inputUnit, JobProgressDisplay, progressLine } from "../progress";
import { encodePath } from "../upload";
// The statuses come from the one dependency-free module the server uses too (shared/, typed against the Prisma enum).
import { isFinalJobStatus, isSucceededJobStatus, JOB_STATUSES } from "../../../shared/job-status";

export type { Job } from "../api";

/** DataRobot's counts as one line: percentage, scored, failed and skipped rows (files for file input). */
function countsLine(j: Job): string | undefined {
  if (typeof j.scoredRows !== "number") return undefined;
  const unit = inputUnit(j);
  return `${j.percentageCompleted}% | ${j.scoredRows} ${unit} scored, ${j.failedRows} failed, ${j.skippedRows} skipped`;
}

const MAX_POLL_FAILURES = 5;
const enc = encodeURIComponent;

/**
 * The exit code for a finished job, as az's `job stream` (0 completed, non-zero otherwise): failed or
 * canceled 1, completed with errors 3 (docs/cli.md).
 */
export function jobExitCode(status: string): number {
  if (status === "completed") return EXIT.ok;
  if (status === "completed_with_errors") return EXIT.completedWithErrors;
  return EXIT.failed;
}

function endedError(job: Job): JobEndedError | null {
  const code = jobExitCode(job.status);
  if (code === EXIT.ok) return null;
  if (code === EXIT.completedWithErrors) {
    const failed = job.progress.files.failed;
    return new JobEndedError(
      `job ${job.name} completed with errors${failed ? `: ${failed} ${inputUnit(job)} failed` : ""} (see batchpoint job logs ${job.name})`,
      code,
    );
  }
  return new JobEndedError(`job ${job.name} ${job.status}${job.error ? `: ${job.error}` : ""}`, code);
}

async function sleep(ms: number) {
  await new Promise((r) => setTimeout(r, ms));
}

/** GET /jobs/{name}, riding out a server restart or a network blip. */
async function getJobPatiently(client: ApiClient, name: string, failures: { n: number }): Promise<Job | null> {
  try {
    const job = await client.get<Job>(`/jobs/${enc(name)}`);
    failures.n = 0;
    return job;
  } catch (e) {
    if ((e instanceof ApiError && e.status < 500) || ++failures.n > MAX_POLL_FAILURES) throw e;
    await sleep(pollIntervalMs() * 2 ** failures.n);
    return null;
  }
}

/**
 * Follows a job until it finishes, showing progress (none when `quiet`); a failed or canceled job exits
 * 1, one completed with errors exits 3.
 */
export async function waitForJob(
  client: ApiClient,
  name: string,
  opts: { json?: boolean; quiet?: boolean; print?: (job: Job) => void } = {},
): Promise<Job> {
  const display = opts.json || opts.quiet ? null : new JobProgressDisplay(name);
  let job: Job;
  try {
    const failures = { n: 0 };
    for (;;) {
      const j = await getJobPatiently(client, name, failures);
      if (!j) continue;
      job = j;
      display?.update(job);
      if (isFinalJobStatus(job.status)) break;
      await sleep(pollIntervalMs());
    }
  } finally {
    display?.stop();
  }
  if (opts.print) opts.print(job);
  else if (opts.json) printJson(job);
  else printJobSummary(job);
  const err = endedError(job);
  if (err) throw err;
  return job;
}

function printJobSummary(job: Job) {
  const p = job.progress;
  const files = p
    ? `${p.files.completed} of ${p.files.total} ${inputUnit(job)} scored${p.files.failed ? `, ${p.files.failed} failed` : ""}`
    : "";
  console.log(
    `Job ${job.name} ${job.status}${files ? `: ${files}` : ""}${p?.elapsedSeconds != null ? ` in ${formatDuration(p.elapsedSeconds)}` : ""}.`,
  );
  if (isSucceededJobStatus(job.status) && job.output?.fileName) {
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

/** The dashboard URL of a job (needs the token's workspace slug). */
export async function webUrlOf(client: ApiClient, job: string): Promise<string> {
  const me = await client.get<WorkspaceInfo>("/workspace");
  return jobWebUrl(client.baseUrl, me.workspace.slug, job);
}

/** Every job of an endpoint (optionally one deployment's), newest first, across pages. */
export async function listAllJobs(
  client: ApiClient,
  query: { endpoint?: string; status?: string },
  deployment?: string,
): Promise<JobSummary[]> {
  const rows: JobSummary[] = [];
  for (let page = 1; ; page++) {
    const res = await client.get<JobPage>("/jobs", { ...query, page, perPage: 200 });
    rows.push(...res.data);
    if (page >= res.totalPages || !res.data.length) break;
  }
  return deployment ? rows.filter((j) => j.deployment === deployment) : rows;
}

export function printJobTable(rows: JobSummary[]) {
  printTable(rows, [
    ["name", (j) => j.name],
    ["status", (j) => j.status],
    ["endpoint", (j) => j.endpoint],
    ["deployment", (j) => j.deployment],
    [
      "files",
      (j) =>
        j.files?.total
          ? `${j.files.completed + j.files.failed}/${j.files.total}${j.files.failed ? ` (${j.files.failed} failed)` : ""}`
          : "-",
    ],
    ["created", (j) => formatDate(j.createdAt)],
  ]);
}

/** GET /jobs/{job}/outputs, or null when this server has no such list (older servers). */
async function listJobOutputs(client: ApiClient, name: string): Promise<JobOutputFile[] | null> {
  await client.get(`/jobs/${enc(name)}`); // a missing job is an error, not "no listing"
  try {
    return (await client.get<JobOutputs>(`/jobs/${enc(name)}/outputs`)).data;
  } catch (e) {
    if (e instanceof ApiError && (e.status === 404 || e.status === 405)) return null;
    throw e;
  }
}

/** The per-mini-batch blocks of GET /jobs/{job}/logs, keyed by mini-batch index ("-" before any header). */
export function splitLogBlocks(text: string): Map<string, string[]> {
  const blocks = new Map<string, string[]>();
  let key = "-";
  for (const line of text.split("\n")) {
    const m = /^=== mini-batch (\d+)\b/.exec(line);
    if (m) key = m[1];
    const lines = blocks.get(key) ?? [];
    lines.push(line);
    blocks.set(key, lines);
  }
  for (const [k, lines] of blocks) {
    while (lines.length && lines[lines.length - 1] === "") lines.pop();
    if (!lines.length) blocks.delete(k);
  }
  return blocks;
}

/**
 * Prints what is new in a logs text since the last call: lines of blocks not seen before, and lines
 * added to blocks already printed (a block's header, which carries its changing status, once).
 */
export class LogFollower {
  private printed = new Map<string, number>();

  constructor(private readonly write: (line: string) => void = (l) => console.log(l)) {}

  feed(text: string) {
    for (const [key, lines] of splitLogBlocks(text)) {
      const done = this.printed.get(key) ?? 0;
      for (const line of lines.slice(done)) this.write(line);
      this.printed.set(key, Math.max(done, lines.length));
    }
  }
}

async function fetchLogs(client: ApiClient, name: string, miniBatch?: number): Promise<string> {
  const res = await client.request("GET", `/jobs/${enc(name)}/logs`, {
    query: { miniBatch },
    headers: { accept: "text/plain, application/json;q=0.9" },
  });
  return res.text();
}

/** The tracebacks of failed mini-batches the logs text does not already hold. */
async function failedTracebacks(client: ApiClient, name: string, logs: string, miniBatch?: number): Promise<string[]> {
  let rows: MiniBatchPage["data"];
  try {
    rows = (await client.get<MiniBatchPage>(`/jobs/${enc(name)}/mini-batches`, { status: "failed", perPage: 200 })).data;
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) return [];
    throw e;
  }
  const out: string[] = [];
  for (const r of rows) {
    if (miniBatch !== undefined && r.index !== miniBatch) continue;
    const tb = r.traceback?.trimEnd();
    if (!tb && !r.error) continue;
    if (tb && logs.includes(tb.split("\n").slice(-1)[0]) && logs.includes(tb.split("\n")[0])) continue;
    out.push(`=== mini-batch ${r.index} failed (attempt ${r.attempts ?? "?"})${r.error ? `: ${r.error}` : ""}`);
    if (tb) out.push(tb);
  }
  return out;
}

export function registerJob(program: Command) {
  const job = program.command("job").description("batch jobs: list, show (follow), stream, items, cancel, download, logs, retry-failed");

  withAzOutput(
    job
      .command("list")
      .description("list jobs, newest first")
      .option("-e, --endpoint <endpoint>", "only this endpoint's jobs")
      .option("--endpoint-name <endpoint>", "same as --endpoint (az ml spelling)")
      .addOption(new Option("-s, --status <status>", "only jobs in this status").choices([...JOB_STATUSES]))
      .option("--page <n>", "page", intArg(1))
      .option("--per-page <n>", "rows per page (max 200)", intArg(1))
      .option("--max-results <n>", "at most this many jobs (az ml spelling of --per-page)", intArg(1))
      .option("--json", "print the API's page as JSON"),
  ).action(
    async (
      opts: {
        endpoint?: string;
        endpointName?: string;
        status?: string;
        page?: number;
        perPage?: number;
        maxResults?: number;
        json?: boolean;
      } & AzOutputOptions,
    ) => {
      const client = await apiClient();
      const page = await client.get<JobPage>("/jobs", {
        endpoint: opts.endpoint ?? opts.endpointName,
        status: opts.status,
        page: opts.page,
        perPage: opts.perPage ?? opts.maxResults,
      });
      if (wantsAzOutput(opts))
        return printAz(
          page.data.map((j) => azJob(j)),
          opts,
        );
      if (opts.json) return printJson(page);
      if (!page.data.length) return console.log("No jobs.");
      printJobTable(page.data);
      if (page.totalPages > 1) console.log(`page ${page.page} of ${page.totalPages} (${page.count} jobs); use --page N`);
    },
  );

  withAzOutput(
    job
      .command("show")
      .description("show a job; --wait follows it with a live progress bar until it finishes; --web prints its dashboard page")
      .argument("[name]", "job name")
      .option("-n, --name <name>", "job name (instead of the argument)")
      .option("--wait", "follow the job until it finishes; exit 1 if it fails or is canceled, 3 if it completed with errors")
      .option("--web", "print the job's dashboard URL (az ml opens it in a browser)")
      .option("--json", "print as JSON"),
  ).action(
    async (positional: string | undefined, opts: { name?: string; wait?: boolean; web?: boolean; json?: boolean } & AzOutputOptions) => {
      const client = await apiClient();
      const name = jobNameOf(positional, opts);
      const az = wantsAzOutput(opts);
      if (opts.web) {
        const j = await client.get<Job>(`/jobs/${enc(name)}`); // a job that does not exist is an error, not a dead link
        const url = await webUrlOf(client, name);
        // az prints the job and opens the page; with no browser here, with -o/--query the URL goes to stderr so stdout stays the job.
        if (!az) return console.log(url);
        console.error(`Web View: ${url}`);
        return printAz(azJob(j, { webUrl: url }), opts);
      }
      if (opts.wait) {
        return void (await waitForJob(client, name, {
          json: opts.json,
          quiet: az,
          print: az ? (j) => printAz(azJob(j), opts) : undefined,
        }));
      }
      const j = await client.get<Job>(`/jobs/${enc(name)}`);
      if (az) return printAz(azJob(j, { webUrl: await webUrlOf(client, name) }), opts);
      if (opts.json) return printJson(j);
      const p = j.progress;
      printFields([
        ["name", j.name],
        ["status", j.status],
        ["endpoint", j.endpoint],
        ["deployment", j.deploymentVersion ? `${j.deployment} (v${j.deploymentVersion})` : j.deployment],
        [
          "progress",
          p
            ? progressLine(j)
                .slice(j.status.padEnd(10).length + 1)
                .trim()
            : undefined,
        ],
        ["elapsed", p ? formatDuration(p.elapsedSeconds) : undefined],
        ["created", formatDate(j.createdAt)],
        ["started", formatDate(j.startedAt)],
        ["finished", formatDate(j.finishedAt)],
        ["output", j.output ? joinOutput(j) : undefined],
        ["counts", countsLine(j)],
        ["queue position", typeof j.queuePosition === "number" && j.queuePosition > 0 ? String(j.queuePosition) : undefined],
        ["row options", j.rowOptions ? JSON.stringify(j.rowOptions) : undefined],
        ["error", j.error ?? undefined],
      ]);
    },
  );

  job
    .command("stream")
    .description(
      "print the job's log lines as they come, until it ends (az ml job stream); exit 0 completed, 1 failed or canceled, 3 completed with errors",
    )
    .argument("[name]", "job name")
    .option("-n, --name <name>", "job name (instead of the argument)")
    .action(async (positional: string | undefined, opts: { name?: string }) => {
      const client = await apiClient();
      const name = jobNameOf(positional, opts);
      const first = await client.get<Job>(`/jobs/${enc(name)}`);
      console.log(`RunId: ${name}`);
      console.log(`Web View: ${await webUrlOf(client, name)}`);
      console.log("");
      const follower = new LogFollower();
      let job: Job = first;
      let lastStatus = "";
      let logs = "";
      const failures = { n: 0 };
      for (;;) {
        if (job.status !== lastStatus) {
          console.log(`Status: ${azureStatus(job.status)}`);
          lastStatus = job.status;
        }
        const finished = isFinalJobStatus(job.status);
        // Read the logs after the status: once a job is seen finished, this read holds every line.
        logs = await fetchLogs(client, name).catch((e) => (e instanceof ApiError && e.status === 404 ? "" : Promise.reject(e)));
        follower.feed(logs);
        if (finished) break;
        await sleep(pollIntervalMs());
        const next = await getJobPatiently(client, name, failures);
        if (next) job = next;
      }
      if (job.status !== "completed" || (job.progress?.files.failed ?? 0) > 0)
        for (const line of await failedTracebacks(client, name, logs)) console.log(line);
      console.log("");
      console.log("Execution Summary");
      console.log("=================");
      console.log(`RunId: ${name}`);
      console.log(`Status: ${azureStatus(job.status)}`);
      const p = job.progress;
      if (p) console.log(`Files: ${p.files.completed} scored, ${p.files.failed} failed, of ${p.files.total}`);
      if (job.error) console.log(`Error: ${job.error}`);
      const err = endedError(job);
      if (err) throw err;
    });

  job
    .command("items")
    .description("the input items of a job over --sources: each one's status, result location and error, and the counts")
    .argument("[name]", "job name")
    .option("-n, --name <name>", "job name (instead of the argument)")
    .option("--json", "print the API's answer as JSON")
    .action(async (positional: string | undefined, opts: { name?: string; json?: boolean }) => {
      const client = await apiClient();
      const name = jobNameOf(positional, opts);
      const res = await client.get<JobItems>(`/jobs/${enc(name)}/items`);
      if (opts.json) return printJson(res);
      if (!res.data.length) return console.log(`Job ${name} has no input items (it was not invoked with --sources).`);
      printTable(res.data, [
        ["ITEM", (i) => i.key],
        ["STATUS", (i) => i.status],
        ["RESULT / ERROR", (i) => i.result?.location ?? i.error ?? ""],
      ]);
      const c = res.counts;
      console.log(`${c.total} items: ${c.completed} completed, ${c.failed} failed, ${c.pending} pending.`);
    });

  job
    .command("cancel")
    .description("cancel a queued or running job")
    .argument("[name]", "job name")
    .option("-n, --name <name>", "job name (instead of the argument)")
    .action(async (positional: string | undefined, opts: { name?: string }) => {
      const client = await apiClient();
      const name = jobNameOf(positional, opts);
      const res = await client.json<JobCanceling>("POST", `/jobs/${enc(name)}/cancel`);
      console.log(`Cancel requested for job ${name}${res.status ? ` (status: ${res.status})` : ""}.`);
    });

  job
    .command("retry-failed")
    .description("run a finished job's failed mini-batches again")
    .argument("[name]", "job name")
    .option("-n, --name <name>", "job name (instead of the argument)")
    .option("--wait", "follow the job until it finishes; exit 1 if it fails, 3 if it completes with errors")
    .action(async (positional: string | undefined, opts: { name?: string; wait?: boolean }) => {
      const client = await apiClient();
      const name = jobNameOf(positional, opts);
      const res = await client.json<JobRetrying>("POST", `/jobs/${enc(name)}/retry-failed`);
      console.log(`Retrying ${typeof res.miniBatches === "number" ? `${res.miniBatches} ` : ""}failed mini-batch(es) of job ${name}.`);
      if (opts.wait) await waitForJob(client, name);
    });

  job
    .command("download")
    .description(
      "download a job's predictions file (--all: every output file: errors.jsonl, job-summary.json and the files the script wrote); with --download-path or --output-name, laid out as az ml does: PATH/named-outputs/score/<file>",
    )
    .argument("[name]", "job name")
    .option("-n, --name <name>", "job name (instead of the argument)")
    .option("-o, --output-dir <dir>", "folder to write the files into, flat", ".")
    .option("-p, --download-path <dir>", "az ml's layout: the predictions go to DIR/named-outputs/score/, --all adds DIR/artifacts/")
    .option("--output-name <name>", "the named output to download; a batch job has one, `score` (its predictions)")
    .option(
      "--all",
      "every output file: also errors.jsonl, job-summary.json (in artifacts/ with --download-path) and the files the script wrote",
    )
    .action(
      async (
        positional: string | undefined,
        opts: { name?: string; outputDir: string; downloadPath?: string; outputName?: string; all?: boolean },
      ) => {
        if (opts.outputName !== undefined && opts.outputName !== "score") {
          throw new UsageError(`a batch job has one named output, 'score' (its predictions), not '${opts.outputName}'.`);
        }
        const client = await apiClient();
        const name = jobNameOf(positional, opts);
        const azLayout = opts.downloadPath !== undefined || opts.outputName !== undefined;
        const root = opts.downloadPath ?? opts.outputDir;
        const scoreDir = azLayout ? path.join(root, "named-outputs", "score") : root;
        const artifactsDir = azLayout ? path.join(root, "artifacts") : root;
        // The named output `score` is the predictions file and the files the script wrote (AZUREML_BI_OUTPUT_PATH),
        // as on Azure: a summary_only job's score is only those files. --all adds the job's own files.
        if (opts.all || azLayout) {
          // A server that lists the job's output files (GET /jobs/{job}/outputs) also has the files the script wrote.
          const all = await listJobOutputs(client, name);
          const listed = all && (opts.all ? all : all.filter((f) => f.kind !== "errors" && f.kind !== "summary"));
          if (listed) {
            for (const f of listed) {
              const dir = f.kind === "errors" || f.kind === "summary" ? artifactsDir : path.join(scoreDir, path.posix.dirname(f.path));
              const { file, bytes } = await client.download(
                `/jobs/${enc(name)}/outputs/${encodePath(f.path)}`,
                dir,
                path.posix.basename(f.path),
              );
              console.log(`Downloaded ${file} (${formatBytes(bytes)}).`);
            }
            if (!listed.length)
              note(
                opts.all
                  ? `job ${name} has no output files yet.`
                  : `job ${name}'s score output has no files (yet): a summary_only job's score holds only the files its script wrote.`,
              );
            if (azLayout) await mkdir(scoreDir, { recursive: true });
            return;
          }
        }
        const files: [route: string, fallback: string, dir: string][] = [["output", "predictions.csv", scoreDir]];
        if (opts.all) files.push(["errors", "errors.jsonl", artifactsDir], ["summary", "job-summary.json", artifactsDir]);
        for (const [route, fallback, dir] of files) {
          try {
            const { file, bytes } = await client.download(`/jobs/${enc(name)}/${route}`, dir, fallback);
            console.log(`Downloaded ${file} (${formatBytes(bytes)}).`);
          } catch (e) {
            // With --all, a file the job did not write (no errors, or summary_only) is reported, not fatal.
            if (!(opts.all && e instanceof ApiError && e.status === 404)) throw e;
            note(e.message);
          }
        }
        if (azLayout) await mkdir(scoreDir, { recursive: true });
      },
    );

  job
    .command("logs")
    .description("print the scoring script's logs, per mini-batch, with the tracebacks of failed mini-batches")
    .argument("[name]", "job name")
    .option("-n, --name <name>", "job name (instead of the argument)")
    .option("--mini-batch <n>", "only this mini-batch (index from 0)", intArg(0))
    .action(async (positional: string | undefined, opts: { name?: string; miniBatch?: number }) => {
      const client = await apiClient();
      const name = jobNameOf(positional, opts);
      const text = await fetchLogs(client, name, opts.miniBatch);
      const tracebacks = await failedTracebacks(client, name, text, opts.miniBatch);
      if (!text.trim() && !tracebacks.length)
        return console.log(opts.miniBatch !== undefined ? `No logs for mini-batch ${opts.miniBatch}.` : "No logs yet.");
      if (text.trim()) process.stdout.write(text.endsWith("\n") ? text : `${text}\n`);
      for (const line of tracebacks) console.log(line);
    });
}
