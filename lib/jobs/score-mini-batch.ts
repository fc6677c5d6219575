import "server-only";
import { mkdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import { createWriteStream } from "node:fs";
import { db } from "@/lib/db";
import { logError } from "@/lib/log";
import { getScoringPools, type MiniBatchInput } from "@/lib/scoring";
import { downloadBlob, stageBlock } from "@/lib/storage";
import { parseDataPath } from "./data-paths";
import { outputPrefix } from "./finalize-job";
import type { JobInputs, JobSettings } from "./invoke-job";
import { inputUnit } from "./mini-batch-inputs";
import { publishScriptOutputs } from "./script-outputs";
import { finishMiniBatch, markMiniBatchScoring, rememberOutputHeader, startMiniBatch } from "./record-mini-batch";
import { watchJobCancel } from "./cancel-watch";
import { cachedDataTarget, deploymentForScoring } from "./scoring-context";

export type ScoreResult =
  | { outcome: "skipped" }
  | { outcome: "retry"; error: string }
  | { outcome: "done"; status: "completed" | "failed"; jobDone: boolean; thresholdCrossed: boolean; generation: number };

const DOWNLOAD_PARALLELISM = 8;

function workDir(jobId: string) {
  return path.join(process.env.BATCHPOINT_WORK_DIR || path.join(tmpdir(), "batchpoint-work"), jobId);
}

/**
 * Scores one mini-batch: downloads its files, runs the deployment's warm worker, stages the output as
 * a block of the job's output file, and records the outcome. A failure before the last attempt asks
 * for a retry; on the last attempt it is recorded and counts toward the error threshold.
 */
export async function scoreMiniBatch(opts: { jobId: string; index: number; attempt: number }): Promise<ScoreResult> {
  const started = await startMiniBatch(opts);
  if (started.kind === "over") return { outcome: "skipped" };
  if (started.kind === "finished") return { outcome: "done", ...started };
  const mb = started.mb;
  const job = mb.job;
  const settings = job.settings as unknown as JobSettings;
  const inputs = job.inputs as unknown as JobInputs;
  const items = (mb.items as string[] | null) ?? [];
  const inputCount = mb.itemCount; // files, or rows of a tabular range
  const lastAttempt = opts.attempt >= settings.maxRetries;
  const dir = path.join(workDir(job.id), `${mb.index}-${opts.attempt}`);
  const inputDir = path.join(dir, "inputs");
  const outputDir = path.join(dir, "outputs");
  const cancel = watchJobCancel(job.id);
  try {
    const deployment = await deploymentForScoring(job.workspaceId, settings);
    const inPath = parseDataPath(inputs.data.path);
    const source = await cachedDataTarget(job.workspaceId, inPath);
    const base = inputs.data.type === "uri_folder" ? (inPath.path && !inPath.path.endsWith("/") ? `${inPath.path}/` : inPath.path) : path.posix.dirname(inPath.path) + "/";
    await mkdir(outputDir, { recursive: true });
    const payloadFile = path.join(dir, "payload.json");
    await writeFile(payloadFile, JSON.stringify({ job: job.name, inputs: inputs.literals, input: inputs.data }));
    let input: MiniBatchInput;
    if (inputs.data.type === "tabular") {
      // One byte range of the CSV, on record boundaries; the worker reads it with the job's header.
      const local = path.join(inputDir, "rows.csv");
      await mkdir(inputDir, { recursive: true });
      const offset = Number(mb.byteStart ?? 0);
      await pipeline(await downloadBlob(source, inPath.path, { offset, count: Number(mb.byteEnd ?? 0) - offset }), createWriteStream(local));
      input = { kind: "tabular", file: local, header: inputs.data.header, rowCount: inputCount };
    } else {
      const localFiles: string[] = [];
      for (let i = 0; i < items.length; i += DOWNLOAD_PARALLELISM) {
        await Promise.all(
          items.slice(i, i + DOWNLOAD_PARALLELISM).map(async (blob) => {
            const rel = blob.startsWith(base) ? blob.slice(base.length) : path.posix.basename(blob);
            const local = path.join(inputDir, rel);
            await mkdir(path.dirname(local), { recursive: true });
            await pipeline(await downloadBlob(source, blob), createWriteStream(local));
            localFiles.push(local);
          }),
        );
      }
      localFiles.sort();
      input = { kind: "files", files: localFiles };
    }
    const onStart = () => void markMiniBatchScoring(mb.id).catch((e) => logError(`job ${job.name} mini-batch ${mb.index}: could not mark it running`, e));
    const result = await publishScriptOutputs({ job, index: mb.index, outputDir }, await getScoringPools().run(deployment, { input, inputDir, outputDir, payloadFile, timeoutMs: settings.timeoutSeconds * 1000, signal: cancel.signal, onStart }));
    if (!result.ok) {
      if (result.canceled) return { outcome: "skipped" };
      const error = result.timedOut ? `run() did not finish within the timeout of ${settings.timeoutSeconds} s and was stopped.` : result.error;
      if (!lastAttempt) {
        // Back to pending: it waits for its retry.
        await db.miniBatch.update({ where: { id: mb.id }, data: { status: "pending", error, traceback: result.traceback ?? null, log: result.logs.slice(-64 * 1024), queuedMs: Math.round(result.queuedMs) } });
        return { outcome: "retry", error };
      }
      const done = await finishMiniBatch({
        jobId: job.id, index: mb.index,
        outcome: { status: "failed", succeeded: 0, failed: inputCount, durationMs: result.durationMs, queuedMs: result.queuedMs, log: result.logs, error, traceback: result.traceback },
      });
      return { outcome: "done", status: "failed", jobDone: done.jobDone, thresholdCrossed: done.thresholdCrossed, generation: done.generation };
    }
    const succeeded = Math.min(result.count, inputCount);
    if (settings.outputAction === "append_row" && result.body) {
      const out = parseDataPath(job.outputPath);
      const target = await cachedDataTarget(job.workspaceId, out);
      if (result.header && !job.outputHeader) await rememberOutputHeader({ jobId: job.id, header: result.header });
      await stageBlock(target, outputPrefix(job.outputPath) + job.outputFileName, mb.index, Buffer.from(result.body));
    }
    const failed = inputCount - succeeded;
    const unit = inputUnit(job) === "row" ? "rows" : "input files";
    const done = await finishMiniBatch({
      jobId: job.id, index: mb.index,
      outcome: {
        status: "completed", succeeded, failed, durationMs: result.durationMs, queuedMs: result.queuedMs, log: result.logs,
        error: failed > 0 ? `run() returned ${result.count} results for ${inputCount} ${unit}; ${failed} counted as failed.` : undefined,
      },
    });
    return { outcome: "done", status: "completed", jobDone: done.jobDone, thresholdCrossed: done.thresholdCrossed, generation: done.generation };
  } finally {
    cancel.release();
    await rm(dir, { recursive: true, force: true }).catch(() => {});
  }
}
