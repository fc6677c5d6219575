import "server-only";
import type { Readable } from "node:stream";
import { db } from "@/lib/db";
import { AppError, notFound } from "@/lib/errors";
import { downloadExistingBlob } from "@/lib/storage";
import { parseDataPath } from "./data-paths";
import { outputPrefix } from "./finalize-job";
import { readJobSettings } from "./job-snapshot";
import { resolveDataTarget } from "./resolve-data-target";
import { isFinalJobStatus } from "@/shared/job-status";

export type JobFile = "predictions" | "errors" | "summary";

/** Streams one of a finished job's output files, with a message that says why when there is none. */
export async function openJobFile(opts: {
  workspaceId: string;
  name: string;
  file: JobFile;
}): Promise<{ stream: Readable; fileName: string; contentType: string }> {
  const job = await db.job.findFirst({ where: { workspaceId: opts.workspaceId, name: opts.name } });
  if (!job) throw notFound(`Job '${opts.name}'`);
  const settings = readJobSettings(job);
  if (opts.file === "predictions" && settings.outputAction === "summary_only") {
    throw new AppError(
      "NOT_FOUND",
      `Job '${job.name}' ran with output_action summary_only, so it wrote no predictions file. Its job-summary.json and errors.jsonl are there.`,
    );
  }
  if (!isFinalJobStatus(job.status)) {
    throw new AppError("CONFLICT", `Job '${job.name}' is ${job.status}; its outputs are written when it finishes.`);
  }
  const fileName = opts.file === "predictions" ? job.outputFileName : opts.file === "errors" ? "errors.jsonl" : "job-summary.json";
  const target = await resolveDataTarget({ workspaceId: job.workspaceId, path: parseDataPath(job.outputPath) });
  const blob = outputPrefix(job.outputPath) + fileName;
  const stream = await downloadExistingBlob(
    target,
    blob,
    `Job '${job.name}' has no ${fileName} (it may have stopped before any output was written).`,
  );
  const contentType = opts.file === "predictions" ? "text/csv" : opts.file === "errors" ? "application/x-ndjson" : "application/json";
  return { stream, fileName, contentType };
}

// The captured logs of a job's mini-batches (one, or all that have logs), as plain text.
export async function getJobLogs(opts: { workspaceId: string; name: string; miniBatch?: number }) {
  const job = await db.job.findFirst({ where: { workspaceId: opts.workspaceId, name: opts.name }, select: { id: true } });
  if (!job) throw notFound(`Job '${opts.name}'`);
  const rows = await db.miniBatch.findMany({
    where: {
      workspaceId: opts.workspaceId,
      jobId: job.id,
      ...(opts.miniBatch !== undefined ? { index: opts.miniBatch } : { log: { not: null } }),
    },
    orderBy: { index: "asc" },
    select: { index: true, status: true, attempts: true, log: true, error: true },
    take: 1000,
  });
  if (opts.miniBatch !== undefined && !rows.length) throw notFound(`Mini-batch ${opts.miniBatch} of job '${opts.name}'`);
  return rows
    .map((r) => `=== mini-batch ${r.index} (${r.status}, attempt ${r.attempts})${r.error ? `: ${r.error}` : ""}\n${r.log ?? ""}`)
    .join("\n");
}
