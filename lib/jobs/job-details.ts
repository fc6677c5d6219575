import "server-only";
import { parse } from "csv-parse/sync";
import { db } from "@/lib/db";
import { AppError, notFound } from "@/lib/errors";
import type { InvokeJobInput } from "./invoke-job";
import { rowFormatOf } from "./inputs";
import { readJobInputs, readJobSnapshot, snapshotInvokeFields } from "./job-snapshot";
import { openJobFile } from "./job-output";
import { describeMiniBatchInputs } from "./mini-batch-inputs";
import { iconvName } from "./tabular/options";
import iconv from "iconv-lite";

const PREVIEW_BYTES = 64 * 1024;

/** When a job reached each stage: queued at creation, preparing at start, running at its first mini-batch, finalizing after its last. */
export async function getJobTimeline(opts: {
  workspaceId: string;
  jobId: string;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
}) {
  const agg = await db.miniBatch.aggregate({
    where: { workspaceId: opts.workspaceId, jobId: opts.jobId },
    _min: { startedAt: true },
    _max: { finishedAt: true },
  });
  return {
    queued: opts.createdAt,
    preparing: opts.startedAt,
    running: agg._min.startedAt,
    finalizing: opts.finishedAt ? (agg._max.finishedAt ?? null) : null,
    finished: opts.finishedAt,
  };
}

// The first mini-batch that failed for good, with its files and the script's traceback: what a user needs to fix the job.
export async function getFirstFailedMiniBatch(opts: { workspaceId: string; jobId: string }) {
  const mb = await db.miniBatch.findFirst({
    where: { workspaceId: opts.workspaceId, jobId: opts.jobId, OR: [{ status: "failed" }, { failedCount: { gt: 0 } }] },
    orderBy: { index: "asc" },
    select: {
      index: true,
      attempts: true,
      error: true,
      traceback: true,
      items: true,
      itemCount: true,
      job: { select: { inputs: true, settings: true } },
    },
  });
  if (!mb) return null;
  return {
    index: mb.index,
    attempts: mb.attempts,
    error: mb.error,
    traceback: mb.traceback,
    files: describeMiniBatchInputs(mb.job, mb, 20),
  };
}

/**
 * The header and first rows of a finished job's predictions, from the first 64 KiB of the file
 * (never the whole file). Returns null when there is nothing to preview, with the reason.
 */
export async function previewJobOutput(opts: {
  workspaceId: string;
  name: string;
  rows?: number;
}): Promise<{ columns: string[]; rows: string[][]; truncated: boolean } | { columns: null; reason: string }> {
  let file;
  try {
    file = await openJobFile({ workspaceId: opts.workspaceId, name: opts.name, file: "predictions" });
  } catch (e) {
    if (e instanceof AppError) return { columns: null, reason: e.message };
    throw e;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of file.stream) {
      chunks.push(chunk as Buffer);
      size += (chunk as Buffer).length;
      if (size >= PREVIEW_BYTES) break;
    }
  } finally {
    file.stream.destroy();
  }
  // The file is written in the job's dialect and encoding (tabular options), or as JSON Lines.
  const job = await db.job.findFirst({
    where: { workspaceId: opts.workspaceId, name: opts.name },
    select: { inputs: true, outputHeader: true },
  });
  const data = job ? readJobInputs(job).data : undefined;
  const o = data?.options;
  const bytes = Buffer.concat(chunks).subarray(0, PREVIEW_BYTES);
  const format = rowFormatOf(data?.type);
  let text = o && format === "csv" ? iconv.decode(bytes, iconvName(o.encoding)) : bytes.toString("utf8");
  const partial = size >= PREVIEW_BYTES;
  // A cut-off last line would parse as a broken row.
  if (partial) text = text.slice(0, text.lastIndexOf("\n") + 1);
  if (!text.trim()) return { columns: null, reason: "The predictions file is empty: no mini-batch produced output." };
  if (o && format === "jsonl") {
    const objects = text
      .split("\n")
      .filter((l) => l.trim())
      .slice(0, opts.rows ?? 20)
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const columns = [...new Set(objects.flatMap((x) => Object.keys(x)))];
    const cell = (v: unknown) => (v === null || v === undefined ? "" : typeof v === "object" ? JSON.stringify(v) : String(v));
    return { columns, rows: objects.map((x) => columns.map((c) => cell(x[c]))), truncated: partial || objects.length >= (opts.rows ?? 20) };
  }
  // The file has a header line only when a mini-batch wrote one (finalize puts job.outputHeader first);
  // a run() returning a list writes bare rows, whose first is a prediction, not column names.
  const headed = !!job?.outputHeader;
  const records = parse(text, {
    ...(o ? { delimiter: o.delimiter, quote: o.quotechar, escape: o.quotechar } : {}),
    relax_column_count: true,
    relax_quotes: true,
    skip_empty_lines: true,
    to: (opts.rows ?? 20) + (headed ? 1 : 0),
  }) as string[][];
  const [columns, ...rows] = headed
    ? records
    : [Array.from({ length: Math.max(0, ...records.map((r) => r.length)) }, () => ""), ...records];
  return { columns, rows, truncated: partial || rows.length >= (opts.rows ?? 20) };
}

/** The invoke input that runs a job again with the inputs, deployment and overrides it ran with; a default output folder gets a fresh one. */
export async function getRerunInput(opts: { workspaceId: string; name: string }): Promise<{ endpointName: string; input: InvokeJobInput }> {
  const job = await db.job.findFirst({
    where: { workspaceId: opts.workspaceId, name: opts.name },
    select: {
      name: true,
      endpointName: true,
      deploymentName: true,
      inputs: true,
      settings: true,
      outputPath: true,
      outputFileName: true,
      secretsCiphertext: true,
    },
  });
  if (!job) throw notFound(`Job '${opts.name}'`);
  // Its credentials and variables are sealed and never given back, so they cannot be copied into a new job.
  if (job.secretsCiphertext)
    throw new AppError(
      "BAD_REQUEST",
      `Job ${job.name} has its own storage credentials or environment variables, which are never shown again; invoke it anew with them.`,
    );
  const defaultOutput = `datastores/workspaceblobstore/paths/endpoints/${job.endpointName}/jobs/${job.name}/`;
  return {
    endpointName: job.endpointName,
    input: {
      deploymentName: job.deploymentName,
      // Inputs, overrides and row controls: the snapshot's own fields, mapped back by the module that defines them.
      ...snapshotInvokeFields(readJobSnapshot(job)),
      ...(job.outputPath === defaultOutput ? {} : { output: { path: job.outputPath } }),
      outputFileName: job.outputFileName,
    },
  };
}

// Who submitted a job, as the dashboard names them; null when it came through a token or trigger.
export async function getJobSubmitter(opts: { submittedById: string | null }) {
  if (!opts.submittedById) return null;
  const user = await db.user.findUnique({ where: { id: opts.submittedById }, select: { email: true, name: true } });
  return user ? (user.name ?? user.email) : null;
}
