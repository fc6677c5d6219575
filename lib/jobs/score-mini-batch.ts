import "server-only";
import { randomBytes } from "node:crypto";
import { mkdir, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { db } from "@/lib/db";
import type { Job } from "@/lib/generated/prisma/client";
import { AppError } from "@/lib/errors";
import { logError, redact } from "@/lib/log";
import { getScoringPools, type MiniBatchResult, type MiniBatchSuccess, workspaceWorkDir } from "@/lib/scoring";
import { stageBlock } from "@/lib/storage";
import { parseDataPath } from "./data-paths";
import { blockScope, outputPrefix } from "./finalize-job";
import { dataInputModule } from "./inputs";
import { MiniBatchInputError } from "./inputs/shared";
import type { MaterializedInput, MiniBatchToScore, OutputPart } from "./inputs/types";
import { isDeterministicInitFailure } from "./job-failure";
import { invalidResult } from "./result-checks";
import { type JobDataInput, type JobSettings, readJobSnapshot } from "./job-snapshot";
import { inputUnit } from "./mini-batch-inputs";
import { publishScriptOutputs } from "./script-outputs";
import { finishMiniBatch, markMiniBatchScoring, type MiniBatchOutcome, rememberOutputHeader, startMiniBatch } from "./record-mini-batch";
import { watchJobCancel } from "./cancel-watch";
import { cachedDataTarget, deploymentForScoring } from "./scoring-context";
import { cachedJobSecrets, hasSecrets, redactSecrets } from "./sources/job-secrets";
import { ItemInputError, jobPayload, placeItemResult, stageItemInput } from "./sources/score-inputs";

export type ScoreResult =
  | { outcome: "skipped" }
  | { outcome: "retry"; error: string }
  /** `jobFailed`: the failure is the whole job's (init() cannot start): the caller stops and fails the job. */
  | {
      outcome: "done";
      status: "completed" | "failed";
      jobDone: boolean;
      thresholdCrossed: boolean;
      generation: number;
      jobFailed?: boolean;
    };

/**
 * What one attempt at a mini-batch came to, before anything is recorded: the caller records it (one
 * run per mini-batch: at once; a scoring lane: with the other outcomes of its claim).
 * `skipped`: the job was canceled meanwhile. `retry`: failed, another attempt follows. `final`: the
 * mini-batch's outcome for good; `jobError` when init() can never succeed, so the whole job fails.
 */
export type AttemptOutcome =
  | { kind: "skipped" }
  | { kind: "retry"; error: string; traceback?: string; log?: string; queuedMs?: number }
  | { kind: "final"; outcome: MiniBatchOutcome; jobError?: string };

// Under the workspace's own work dir (mode 0700), on the file system of the sandboxes' exchange dirs.
function workDir(workspaceId: string, jobId: string) {
  return path.join(workspaceWorkDir(workspaceId), jobId);
}

/**
 * Scores one mini-batch: downloads its files, runs the deployment's warm worker, stages the output as
 * a block of the job's output file, and records the outcome. Every error (download, run(), staging,
 * recording) is an attempt: before the last attempt it asks for a retry, on the last it is recorded
 * and counts toward the error threshold.
 */
export async function scoreMiniBatch(opts: { jobId: string; index: number; attempt: number }): Promise<ScoreResult> {
  const started = await startMiniBatch(opts);
  if (started.kind === "over") return { outcome: "skipped" };
  if (started.kind === "finished") return { outcome: "done", ...started };
  const mb = started.mb;
  const { settings } = readJobSnapshot(mb.job);
  const lastAttempt = opts.attempt >= settings.maxRetries;
  const onStart = () =>
    void markMiniBatchScoring(mb.id).catch((e) => logError(`job ${mb.job.name} mini-batch ${mb.index}: could not mark it running`, e));
  const r = await attemptMiniBatch(mb, { attempt: opts.attempt, lastAttempt, onStart });
  if (r.kind === "skipped") return { outcome: "skipped" };
  if (r.kind === "retry") {
    // Back to pending: it waits for its retry.
    // Conditional: a duplicate run of this mini-batch (a re-delivery after a crash) may have recorded it meanwhile.
    await db.miniBatch.updateMany({
      where: { id: mb.id, status: { in: ["pending", "running"] } },
      data: {
        status: "pending",
        error: r.error,
        ...(r.log !== undefined
          ? { traceback: r.traceback ?? null, log: r.log.slice(-64 * 1024), queuedMs: Math.round(r.queuedMs ?? 0) }
          : {}),
      },
    });
    return { outcome: "retry", error: r.error };
  }
  const done = await finishMiniBatch({ jobId: mb.jobId, index: mb.index, outcome: r.outcome });
  if (r.jobError) await failJobForInit(mb.job.id, r.jobError);
  return {
    outcome: "done",
    status: r.outcome.status,
    jobDone: done.jobDone,
    thresholdCrossed: done.thresholdCrossed,
    generation: done.generation,
    ...(r.jobError ? { jobFailed: true } : {}),
  };
}

/** init() fails the same way on a fresh worker: every mini-batch would, so the job fails now, with this error. */
export async function failJobForInit(jobId: string, jobError: string) {
  await db.job.updateMany({
    where: { id: jobId, error: null },
    data: { error: jobError, errorDetail: { reason: "failed", phase: "init" }, cancelRequestedAt: new Date() },
  });
}

/**
 * A mini-batch with its job: the columns scoring reads (a started mini-batch, or a lane's claim). The
 * client omits the job's secrets from every query (lib/db.ts), so the type does too.
 */
export type ScoringJob = Omit<Job, "secretsCiphertext">;
export type ScoringMiniBatch = MiniBatchToScore & { job: ScoringJob };

/**
 * One attempt at a mini-batch: downloads its inputs, runs the deployment's warm worker (`onStart`
 * when a worker takes it), stages its output part. Records nothing: returns the outcome. Every error
 * (download, run(), staging) is the attempt's: before the last attempt it asks for a retry, on the
 * last it is the mini-batch's final failure.
 */
export async function attemptMiniBatch(
  mb: ScoringMiniBatch,
  opts: { attempt: number; lastAttempt: boolean; onStart: () => void },
): Promise<AttemptOutcome> {
  try {
    return await scoreAttempt(mb, opts);
  } catch (e) {
    const error = e instanceof MiniBatchInputError ? e.message : `The mini-batch could not be scored: ${(e as Error).message}`;
    if (!opts.lastAttempt && !(e instanceof MiniBatchInputError)) return { kind: "retry", error };
    return { kind: "final", outcome: { status: "failed", succeeded: 0, failed: mb.itemCount, durationMs: 0, error } };
  }
}

/** An item's files, a missing or refused one recorded at once (retrying cannot bring it). */
async function stageItem(opts: Parameters<typeof stageItemInput>[0]) {
  try {
    return await stageItemInput(opts);
  } catch (e) {
    if (e instanceof ItemInputError && e.permanent) throw new MiniBatchInputError(e.message);
    throw e;
  }
}

/** The result with the job's secret values masked in what people read (logs, error, traceback). */
function redactResult(r: MiniBatchResult, secrets: Parameters<typeof redactSecrets>[1]): MiniBatchResult {
  const logs = redactSecrets(r.logs, secrets);
  if (r.ok) return { ...r, logs };
  return { ...r, logs, error: redactSecrets(r.error, secrets), traceback: r.traceback ? redactSecrets(r.traceback, secrets) : undefined };
}

/** A data input's mini-batch as run() is given it, staged by the input's module. */
async function materializeDataInput(opts: {
  workspaceId: string;
  data: JobDataInput;
  settings: JobSettings;
  mb: ScoringMiniBatch;
  inputDir: string;
}): Promise<MaterializedInput> {
  const { data, settings, mb, inputDir } = opts;
  const inPath = parseDataPath(data.path);
  const target = await cachedDataTarget(opts.workspaceId, inPath);
  return dataInputModule(data.type).materialize({ data, settings, target, path: inPath, mb, inputDir });
}

/** The output part of a scored mini-batch: shaped by its input module (row controls), else run()'s own rows as they are. */
function outputPartOf(m: MaterializedInput, result: MiniBatchSuccess, succeeded: number): OutputPart | null {
  if (m.outputPart) return m.outputPart(result, succeeded);
  return result.body ? { header: result.header ?? null, body: Buffer.from(result.body) } : null;
}

/** The deployment a job's mini-batches run on, and the job's secrets. */
async function jobDeployment(job: ScoringJob, settings: JobSettings) {
  const secrets = await cachedJobSecrets(job.id);
  const jobVars = secrets.environmentVariables ?? {};
  const shared = await deploymentForScoring(job.workspaceId, settings);
  // A job's own variables are its secrets: its mini-batches run on workers of that job only.
  const deployment = Object.keys(jobVars).length
    ? { ...shared, scope: job.id, environmentVariables: { ...shared.environmentVariables, ...jobVars } }
    : shared;
  return { secrets, deployment };
}

/**
 * Starts the workers of a job's deployment (its code fetched, init() run) while the job is being
 * planned, so the first mini-batch does not wait for them (issue 13). init() sees the variables a
 * mini-batch's worker is started with, for a folder of this job's. A failure is only logged: the
 * first mini-batch meets it again and reports it. Where the lanes run on another replica, these
 * workers idle out.
 */
export async function warmJobWorkers(job: ScoringJob, settings: JobSettings): Promise<void> {
  try {
    const { deployment } = await jobDeployment(job, settings);
    const dir = path.join(workDir(job.workspaceId, job.id), "warm");
    await mkdir(path.join(dir, "outputs"), { recursive: true });
    getScoringPools().warm(deployment, {
      inputDir: path.join(dir, "inputs"),
      outputDir: path.join(dir, "outputs"),
      payloadFile: path.join(dir, "payload.json"),
    });
  } catch (e) {
    const context = `job ${job.name}: could not start its deployment's workers ahead of its first mini-batch`;
    // A cause of the user's (the job's first mini-batch reports it to them) is one line, not a stack.
    if (e instanceof AppError) console.warn(redact(`${context}: ${e.message}`));
    else logError(context, e);
  }
}

async function scoreAttempt(
  mb: ScoringMiniBatch,
  opts: { attempt: number; lastAttempt: boolean; onStart: () => void },
): Promise<AttemptOutcome> {
  const lastAttempt = opts.lastAttempt;
  const job = mb.job;
  const { settings, inputs } = readJobSnapshot(job);
  const inputCount = mb.itemCount; // files, or rows of a tabular range
  // Unique per call: after a crash the same attempt may be delivered twice and run side by side.
  const dir = path.join(workDir(job.workspaceId, job.id), `${mb.index}-${opts.attempt}-${randomBytes(4).toString("hex")}`);
  const inputDir = path.join(dir, "inputs");
  const outputDir = path.join(dir, "outputs");
  const cancel = watchJobCancel(job.id);
  try {
    const { secrets, deployment } = await jobDeployment(job, settings);
    await mkdir(outputDir, { recursive: true });
    const payloadFile = path.join(dir, "payload.json");
    // sources (one item per mini-batch) or no data at all (run() once with an empty mini-batch).
    const staged = inputs.data ? null : await stageItem({ job, index: mb.index, inputDir, secrets });
    const item = staged?.item ?? null;
    await writeFile(payloadFile, JSON.stringify(jobPayload(job, secrets, item)));
    // A data input's module stages what run() is given (lib/jobs/inputs): files downloaded or read in place, or rows.
    const materialized: MaterializedInput = inputs.data
      ? await materializeDataInput({ workspaceId: job.workspaceId, data: inputs.data, settings, mb, inputDir })
      : { input: staged?.input ?? { kind: "files", files: [] }, inputDir };
    const onStart = opts.onStart;
    let ran = await getScoringPools().run(deployment, {
      input: materialized.input,
      inputDir: materialized.inputDir,
      outputDir,
      payloadFile,
      explain: job.explain,
      timeoutMs: settings.timeoutSeconds * 1000,
      signal: cancel.signal,
      onStart,
    });
    if (hasSecrets(secrets)) ran = redactResult(ran, secrets);
    if (item) await placeItemResult({ outputDir, key: item.key, fileName: job.outputFileName, result: ran });
    const result = await publishScriptOutputs({ job, index: mb.index, outputDir, published: mb.hasScriptOutputs }, ran);
    // A job without data calls run() once with an empty mini-batch: whatever it returns is its output.
    const scriptOnly = !inputs.data && !item;
    const invalid = result.ok ? invalidResult(result, scriptOnly ? Number.MAX_SAFE_INTEGER : inputCount) : null;
    if (!result.ok || invalid) {
      if (!result.ok && result.canceled) return { kind: "skipped" };
      const error =
        invalid ??
        (result.ok
          ? ""
          : result.timedOut
            ? `run() did not finish within the timeout of ${settings.timeoutSeconds} s and was stopped.`
            : result.error);
      const traceback = result.ok ? undefined : result.traceback;
      // How the mini-batch is recorded when this attempt is its last (or init() can never succeed).
      const failedOutcome = {
        status: "failed" as const,
        succeeded: 0,
        failed: inputCount,
        durationMs: result.durationMs,
        queuedMs: result.queuedMs,
        log: result.logs,
        error,
        traceback,
      };
      if (!result.ok && isDeterministicInitFailure(result)) {
        // init() fails the same way on a fresh worker: every mini-batch would, so the job fails now.
        const jobError = `init() of deployment ${job.deploymentName} v${settings.deployment.version} failed, so no mini-batch can run: ${error}`;
        return { kind: "final", outcome: failedOutcome, jobError };
      }
      if (!lastAttempt) return { kind: "retry", error, traceback, log: result.logs, queuedMs: result.queuedMs };
      return { kind: "final", outcome: failedOutcome };
    }
    const succeeded = scriptOnly ? inputCount : Math.min(result.count, inputCount);
    const part = settings.outputAction === "append_row" ? outputPartOf(materialized, result, succeeded) : null;
    if (part) {
      const target = await cachedDataTarget(job.workspaceId, parseDataPath(job.outputPath));
      if (part.header && !job.outputHeader) {
        await rememberOutputHeader({ jobId: job.id, header: part.header });
        job.outputHeader = part.header;
      }
      await stageBlock(target, outputPrefix(job.outputPath) + job.outputFileName, mb.index, part.body, blockScope(job.id));
    }
    const failed = inputCount - succeeded;
    const unit = inputUnit(job) === "row" ? "rows" : item ? "input items" : "input files";
    return {
      kind: "final",
      outcome: {
        status: "completed",
        succeeded,
        failed,
        durationMs: result.durationMs,
        queuedMs: result.queuedMs,
        log: result.logs,
        error: failed > 0 ? `run() returned ${result.count} results for ${inputCount} ${unit}; ${failed} counted as failed.` : undefined,
      },
    };
  } finally {
    cancel.release();
    await rm(dir, { recursive: true, force: true }).catch(() => {});
  }
}
