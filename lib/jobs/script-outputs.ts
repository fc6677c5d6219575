import "server-only";
import { createReadStream } from "node:fs";
import { lstat, readdir } from "node:fs/promises";
import path from "node:path";
import type { Readable } from "node:stream";
import { db } from "@/lib/db";
import { AppError, notFound } from "@/lib/errors";
import type { MiniBatchResult } from "@/lib/scoring";
import { blobExists, deleteBlob, downloadExistingBlob, uploadBlob, type StorageTarget } from "@/lib/storage";
import { parseDataPath } from "./data-paths";
import { outputPrefix } from "./finalize-job";
import { readJobSettings } from "./job-snapshot";
import { resolveDataTarget } from "./resolve-data-target";
import { cachedDataTarget } from "./scoring-context";

/** Names in the output location that belong to the job itself. */
const JOB_FILES = ["errors.jsonl", "job-summary.json"];

type JobRef = { id: string; workspaceId: string; outputPath: string; outputFileName: string };

/** Regular files under `dir`, as relative POSIX paths in name order; a symbolic link is an error (it could point anywhere). */
async function filesUnder(dir: string): Promise<{ rel: string; size: number }[] | { link: string }> {
  const out: { rel: string; size: number }[] = [];
  const walk = async (rel: string): Promise<string | null> => {
    let entries;
    try {
      entries = await readdir(path.join(dir, rel), { withFileTypes: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ENOENT") return null;
      throw e;
    }
    for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      const st = await lstat(path.join(dir, r));
      if (st.isSymbolicLink()) return r;
      if (st.isDirectory()) {
        const link = await walk(r);
        if (link) return link;
      } else if (st.isFile()) out.push({ rel: r, size: st.size });
    }
    return null;
  };
  const link = await walk("");
  return link ? { link } : out;
}

function failed(result: MiniBatchResult, error: string): MiniBatchResult {
  return {
    ok: false,
    phase: "run",
    error,
    timedOut: false,
    canceled: false,
    logs: result.logs,
    durationMs: result.durationMs,
    queuedMs: result.queuedMs,
    inputCount: result.inputCount,
  };
}

/** Removes what one mini-batch published: its rows, and its blobs in the output location. */
async function release(job: JobRef, index: number, target: StorageTarget, keep: Set<string> = new Set()) {
  const rows = await db.jobOutputFile.findMany({ where: { jobId: job.id, miniBatchIndex: index }, select: { id: true, path: true } });
  const gone = rows.filter((r) => !keep.has(r.path));
  if (!gone.length) return;
  const prefix = outputPrefix(job.outputPath);
  for (const r of gone) await deleteBlob(target, prefix + r.path);
  await db.jobOutputFile.deleteMany({ where: { id: { in: gone.map((r) => r.id) } } });
}

/**
 * After a successful run(), uploads the files the script wrote into its per-mini-batch folder
 * (AZUREML_BI_OUTPUT_PATH = BATCH_OUTPUT_DIR) to the job's output location, under the same relative
 * names. Each name is owned by one mini-batch (a unique row per job and path): a retried mini-batch
 * overwrites its own files and drops the ones it no longer writes, so nothing is duplicated; a name
 * another mini-batch already wrote fails this one with both named. Returns the run's result, or a
 * failure (retried like a failed run()) when the files cannot be published.
 */
export async function publishScriptOutputs(
  ctx: {
    job: JobRef;
    index: number;
    outputDir: string;
    /** Known from the claim: whether an earlier attempt of the mini-batch published files (else one query asks). */
    published?: boolean;
  },
  result: MiniBatchResult,
): Promise<MiniBatchResult> {
  if (!result.ok) return result;
  const { job, index } = ctx;
  const found = await filesUnder(ctx.outputDir);
  // The common case, a script that writes no files and never did: no storage call, and no query when the claim said so.
  if (
    Array.isArray(found) &&
    !found.length &&
    !(ctx.published ?? (await db.jobOutputFile.count({ where: { jobId: job.id, miniBatchIndex: index } })))
  )
    return result;
  const target = await cachedDataTarget(job.workspaceId, parseDataPath(job.outputPath));
  if ("link" in found) {
    await release(job, index, target);
    return failed(
      result,
      `run() left a symbolic link '${found.link}' in its output folder (AZUREML_BI_OUTPUT_PATH); write the files themselves.`,
    );
  }
  const reserved = found.find((f) => f.rel === job.outputFileName || JOB_FILES.includes(f.rel));
  if (reserved) {
    await release(job, index, target);
    return failed(
      result,
      `run() wrote '${reserved.rel}' into its output folder, but that name is the job's own ${reserved.rel === job.outputFileName ? "predictions file" : "file"}; give the file another name.`,
    );
  }
  const paths = found.map((f) => f.rel);
  await release(job, index, target, new Set(paths));
  if (!found.length) return result;

  await db.jobOutputFile.createMany({
    data: found.map((f) => ({ workspaceId: job.workspaceId, jobId: job.id, path: f.rel, miniBatchIndex: index, size: BigInt(f.size) })),
    skipDuplicates: true,
  });
  // The unique (job, path) row decides the owner, also when two mini-batches race for one name.
  const taken = await db.jobOutputFile.findFirst({
    where: { jobId: job.id, path: { in: paths }, miniBatchIndex: { not: index } },
    orderBy: { path: "asc" },
  });
  if (taken) {
    await release(job, index, target);
    return failed(
      result,
      `Mini-batch ${index} wrote the output file '${taken.path}', which mini-batch ${taken.miniBatchIndex} already wrote. Give each mini-batch's files names of their own (for example from the input file's name).`,
    );
  }
  const prefix = outputPrefix(job.outputPath);
  try {
    for (const f of found) {
      await uploadBlob(target, prefix + f.rel, createReadStream(path.join(ctx.outputDir, f.rel)));
      await db.jobOutputFile.updateMany({ where: { jobId: job.id, path: f.rel, miniBatchIndex: index }, data: { size: BigInt(f.size) } });
    }
  } catch (e) {
    return failed(result, `Could not upload the output files of mini-batch ${index}: ${(e as Error).message.split("\n")[0]}`);
  }
  return result;
}

export type JobOutputKind = "predictions" | "errors" | "summary" | "script";

/** A finished job's files in its output location: the predictions file, errors.jsonl, job-summary.json and the files its script wrote. */
export async function findJobOutputs(opts: { workspaceId: string; name: string }) {
  const job = await db.job.findFirst({ where: { workspaceId: opts.workspaceId, name: opts.name } });
  if (!job) throw notFound(`Job '${opts.name}'`);
  const settings = readJobSettings(job);
  const target = await resolveDataTarget({ workspaceId: job.workspaceId, path: parseDataPath(job.outputPath) });
  const prefix = outputPrefix(job.outputPath);
  const own: { name: string; kind: JobOutputKind }[] = [
    ...(settings.outputAction === "append_row" ? [{ name: job.outputFileName, kind: "predictions" as const }] : []),
    { name: "errors.jsonl", kind: "errors" },
    { name: "job-summary.json", kind: "summary" },
  ];
  const present = await Promise.all(own.map(async (f) => ((await blobExists(target, prefix + f.name)) ? f : null)));
  const scripts = await db.jobOutputFile.findMany({
    where: { workspaceId: opts.workspaceId, jobId: job.id },
    orderBy: { path: "asc" },
    take: 10_000,
  });
  return {
    job: job.name,
    status: job.status,
    outputPath: job.outputPath,
    data: [
      ...present
        .filter((f): f is NonNullable<typeof f> => !!f)
        .map((f) => ({ path: f.name, kind: f.kind, miniBatch: null as number | null, size: null as number | null })),
      ...scripts.map((s) => ({ path: s.path, kind: "script" as JobOutputKind, miniBatch: s.miniBatchIndex, size: Number(s.size) })),
    ],
  };
}

/** Streams one file of a job's output location that findJobOutputs lists; anything else is a 404. */
export async function openJobOutput(opts: {
  workspaceId: string;
  name: string;
  path: string;
}): Promise<{ stream: Readable; fileName: string }> {
  const outputs = await findJobOutputs(opts);
  const file = outputs.data.find((f) => f.path === opts.path);
  if (!file)
    throw new AppError(
      "NOT_FOUND",
      `Job '${opts.name}' has no output file '${opts.path}'. GET /api/v1/jobs/${opts.name}/outputs lists them.`,
    );
  const job = await db.job.findFirstOrThrow({
    where: { workspaceId: opts.workspaceId, name: opts.name },
    select: { workspaceId: true, outputPath: true },
  });
  const target = await resolveDataTarget({ workspaceId: job.workspaceId, path: parseDataPath(job.outputPath) });
  const stream = await downloadExistingBlob(
    target,
    outputPrefix(job.outputPath) + file.path,
    `Job '${opts.name}' lists the output file '${opts.path}', but it is no longer in storage (deleted since the job wrote it).`,
  );
  return { stream, fileName: path.posix.basename(file.path) };
}

/** The files a job's script wrote, for the job page (database only, no storage call). */
export async function findScriptOutputFiles(opts: { workspaceId: string; jobId: string; take?: number }) {
  const rows = await db.jobOutputFile.findMany({
    where: { workspaceId: opts.workspaceId, jobId: opts.jobId },
    orderBy: { path: "asc" },
    take: opts.take ?? 200,
    select: { path: true, size: true, miniBatchIndex: true },
  });
  return rows.map((r) => ({ path: r.path, size: Number(r.size), miniBatch: r.miniBatchIndex }));
}
