import "server-only";
import { db } from "@/lib/db";
import { OPEN_JOB_STATUSES } from "@/shared/job-status";

/**
 * Fails a job that has not ended yet, with the reason in plain words; its unfinished mini-batches
 * stay visible as canceled. Returns whether this call ended it (the caller then announces it once).
 */
export async function failJob(opts: { jobId: string; error: string }) {
  const error = opts.error.slice(0, 4000);
  const moved = await db.job.updateMany({
    where: { id: opts.jobId, status: { in: [...OPEN_JOB_STATUSES] } },
    data: { status: "failed", error, finishedAt: new Date(), progressAt: new Date() },
  });
  const job = await db.job.findUnique({
    where: { id: opts.jobId },
    select: { id: true, workspaceId: true, retryGeneration: true, status: true },
  });
  if (moved.count > 0) {
    await db.miniBatch.updateMany({
      where: { jobId: opts.jobId, status: { in: ["pending", "running"] } },
      data: { status: "canceled", finishedAt: new Date() },
    });
    await db.jobRetryRound.updateMany({
      where: { jobId: opts.jobId, finishedAt: null },
      data: { finishedAt: new Date(), status: "failed" },
    });
    // A job that failed before any mini-batch was recorded wrote nothing: its output folder is free
    // again, so invoking once more (with the path fixed) does not meet a 409 for an empty folder.
    await db.jobOutputClaim.deleteMany({
      where: { jobId: opts.jobId, job: { miniBatchesCompleted: 0, miniBatchesFailed: 0, outputFiles: { none: {} } } },
    });
  }
  return { failed: moved.count > 0, workspaceId: job?.workspaceId ?? null, generation: job?.retryGeneration ?? 0 };
}

type StorageErrorLike = Error & { statusCode?: number; code?: string; details?: { errorCode?: string } };

/**
 * A storage error that will not go away by retrying (refused credentials, a missing container, a
 * server that is not Azure Blob), in words a user can act on; null for errors worth retrying
 * (network, 5xx, throttling), which go through the normal retries.
 */
export function permanentStorageError(e: unknown, where: string): string | null {
  const err = e as StorageErrorLike;
  const status = err?.statusCode;
  const code = err?.details?.errorCode ?? err?.code;
  if (typeof status !== "number" || status < 400 || status >= 500 || status === 408 || status === 429) return null;
  if (status === 403 || code === "AuthenticationFailed" || code === "AuthorizationFailure") {
    return `The storage refused access to ${where} (${status}${code ? ` ${code}` : ""}): check the SAS token's signature, expiry and permissions (read and list), or the datastore's credentials.`;
  }
  if (code === "ContainerNotFound")
    return `The container of ${where} does not exist (404 ContainerNotFound). Check the account and container in the path.`;
  if (code === "BlobNotFound") return `${where} does not exist (404 BlobNotFound).`;
  return `The storage at ${where} answered ${status}${code ? ` ${code}` : ""}; it does not look like an Azure Blob Storage endpoint. Check the URL's host, account and container.`;
}

/**
 * An init() failure the sandbox marks as deterministic (fails the same way on a fresh worker). Until
 * the sandbox's flag is there, an init() failure (a worker that never became ready) counts as one.
 */
export function isDeterministicInitFailure(result: { ok: boolean; phase?: string; deterministic?: boolean }): boolean {
  if (result.ok || result.phase !== "init") return false;
  return result.deterministic !== false;
}
