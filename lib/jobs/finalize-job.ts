import "server-only";
import { db } from "@/lib/db";
import { presentJobSettings } from "@/lib/deployments/present-settings";
import { commitBlocks, stageBlock, uploadBlob } from "@/lib/storage";
import { parseDataPath } from "./data-paths";
import type { JobInputs, JobSettings } from "./invoke-job";
import { inputUnit, rowsOf } from "./mini-batch-inputs";
import { resolveDataTarget } from "./resolve-data-target";

const PAGE = 5_000;

export function outputPrefix(outputPath: string) {
  const p = parseDataPath(outputPath).path;
  return p && !p.endsWith("/") ? `${p}/` : p;
}

/**
 * Ends a job: commits the staged output blocks in mini-batch order (append_row: one file, the header
 * once; summary_only: no file), writes errors.jsonl and job-summary.json, and sets the final status.
 * Safe to run again: a finished job is left as it is.
 */
export async function finalizeJob(opts: { jobId: string; reason?: "completed" | "threshold" | "canceled" }) {
  // Claim the job: of concurrent finalizers (threshold, cancel, last mini-batch) one proceeds.
  const claimed = await db.job.updateMany({ where: { id: opts.jobId, status: { in: ["queued", "preparing", "running"] } }, data: { status: "finalizing" } });
  const job = await db.job.findUnique({ where: { id: opts.jobId } });
  if (!job) return { status: "missing" as const, finalized: false, generation: 0 };
  if (claimed.count === 0) return { status: job.status, finalized: false, generation: job.retryGeneration };
  const settings = job.settings as unknown as JobSettings;
  const inputs = job.inputs as unknown as JobInputs;
  const tabular = inputUnit(job) === "row";
  const out = parseDataPath(job.outputPath);
  const target = await resolveDataTarget({ workspaceId: job.workspaceId, path: out });
  const prefix = outputPrefix(job.outputPath);
  const started = Date.now();

  // Stop whatever has not run: it stays visible as canceled.
  await db.miniBatch.updateMany({ where: { jobId: job.id, status: { in: ["pending", "running"] } }, data: { status: "canceled", finishedAt: new Date() } });

  const withOutput: number[] = [];
  const errors: string[] = [];
  for (let cursor = -1; ; ) {
    const rows = await db.miniBatch.findMany({
      where: { jobId: job.id, index: { gt: cursor } },
      orderBy: { index: "asc" },
      take: PAGE,
      select: { index: true, status: true, items: true, itemCount: true, succeededCount: true, failedCount: true, attempts: true, error: true, traceback: true },
    });
    if (!rows.length) break;
    for (const r of rows) {
      if (r.status === "completed" && r.succeededCount > 0) withOutput.push(r.index);
      if (r.status === "failed" || r.failedCount > 0) {
        errors.push(
          JSON.stringify(
            tabular
              ? { mini_batch: r.index, attempt: r.attempts, file: inputs.data.path, rows: rowsOf(job, r), failed_rows: r.failedCount, error: r.error, traceback: r.traceback }
              : { mini_batch: r.index, attempt: r.attempts, files: r.items, failed_files: r.failedCount, error: r.error, traceback: r.traceback },
          ),
        );
      }
    }
    cursor = rows[rows.length - 1].index;
  }

  if (settings.outputAction === "append_row") {
    const blocks: (number | "header")[] = [];
    if (job.outputHeader) {
      await stageBlock(target, prefix + job.outputFileName, "header", Buffer.from(`${job.outputHeader}\n`));
      blocks.push("header");
    }
    await commitBlocks(target, prefix + job.outputFileName, [...blocks, ...withOutput]);
  }
  await uploadBlob(target, `${prefix}errors.jsonl`, errors.length ? `${errors.join("\n")}\n` : "", { contentType: "application/x-ndjson" });

  const fresh = await db.job.findUniqueOrThrow({ where: { id: job.id } });
  const thresholdCrossed = settings.errorThreshold >= 0 && fresh.filesFailed > settings.errorThreshold;
  const canceled = opts.reason === "canceled" || (!!fresh.cancelRequestedAt && !thresholdCrossed);
  const status = canceled ? "canceled" : thresholdCrossed ? "failed" : "completed";
  const error = thresholdCrossed
    ? `${fresh.filesFailed} ${tabular ? "input row" : "input file"}${fresh.filesFailed === 1 ? "" : "s"} failed, more than the error threshold of ${settings.errorThreshold}. See errors.jsonl for the ${tabular ? "rows" : "files"} and tracebacks.`
    : canceled
      ? "The job was canceled; the output holds the mini-batches that finished before."
      : fresh.error;
  const finishedAt = new Date();
  const summary = {
    job: fresh.name, endpoint: fresh.endpointName, deployment: fresh.deploymentName, status, error,
    mini_batches: { total: fresh.miniBatchesTotal, completed: fresh.miniBatchesCompleted, failed: fresh.miniBatchesFailed },
    [tabular ? "rows" : "files"]: { total: fresh.filesTotal, succeeded: fresh.filesCompleted, failed: fresh.filesFailed },
    output: settings.outputAction === "append_row" ? `${job.outputPath.replace(/\/?$/, "/")}${job.outputFileName}` : null,
    settings: presentJobSettings(settings), started_at: fresh.startedAt, finished_at: finishedAt, finalize_ms: Date.now() - started,
  };
  await uploadBlob(target, `${prefix}job-summary.json`, JSON.stringify(summary, null, 2), { contentType: "application/json" });
  await db.job.update({ where: { id: job.id }, data: { status, error, finishedAt } });
  return { status, finalized: true, generation: job.retryGeneration };
}
