import "server-only";
import { db } from "@/lib/db";
import { notFound } from "@/lib/errors";
import { readJobInputs } from "../job-snapshot";
import { itemResultFolder } from "./score-inputs";

export type ItemStatus = "pending" | "running" | "completed" | "failed" | "canceled";

/** The per-item counts of a Modzy-style job: pending (not yet finished, running included), completed, failed, total. */
export interface ItemCounts {
  pending: number;
  completed: number;
  failed: number;
  total: number;
}

function statusOf(mb: { status: string; failedCount: number } | undefined): ItemStatus {
  if (!mb) return "pending";
  if (mb.status === "completed") return mb.failedCount > 0 ? "failed" : "completed";
  return mb.status as ItemStatus;
}

/** Counts of the items of a job from its mini-batches (one per item), without listing them. */
export async function countJobItems(opts: { workspaceId: string; jobId: string; total: number }): Promise<ItemCounts> {
  const groups = await db.miniBatch.groupBy({
    by: ["status"],
    where: { workspaceId: opts.workspaceId, jobId: opts.jobId },
    _count: { _all: true },
  });
  const failedWhole = await db.miniBatch.count({
    where: { workspaceId: opts.workspaceId, jobId: opts.jobId, status: "completed", failedCount: { gt: 0 } },
  });
  const n = (s: string) => groups.find((g) => g.status === s)?._count._all ?? 0;
  const completed = n("completed") - failedWhole;
  const failed = n("failed") + n("canceled") + failedWhole;
  return { pending: opts.total - completed - failed, completed, failed, total: opts.total };
}

/**
 * Each input item of a Modzy-style job with its status, inputs (container and path, never
 * credentials), result location (items/<key>/ in the output folder, with the files there) and error.
 */
export async function findJobItems(opts: { workspaceId: string; name: string }) {
  const job = await db.job.findFirst({
    where: { workspaceId: opts.workspaceId, name: opts.name },
    select: { id: true, name: true, status: true, inputs: true, outputPath: true },
  });
  if (!job) throw notFound(`Job '${opts.name}'`);
  const sources = readJobInputs(job).sources ?? [];
  const [mbs, files] = await Promise.all([
    db.miniBatch.findMany({
      where: { workspaceId: opts.workspaceId, jobId: job.id },
      select: { index: true, status: true, failedCount: true, error: true, attempts: true },
    }),
    db.jobOutputFile.findMany({
      where: { workspaceId: opts.workspaceId, jobId: job.id },
      orderBy: { path: "asc" },
      select: { path: true, miniBatchIndex: true, size: true },
    }),
  ]);
  const byIndex = new Map(mbs.map((m) => [m.index, m]));
  const data = sources.map((s, index) => {
    const mb = byIndex.get(index);
    const status = statusOf(mb);
    const folder = itemResultFolder(s.key);
    return {
      key: s.key,
      status,
      inputs: Object.fromEntries(s.files.map((f) => [f.name, { container: f.container, filePath: f.filePath }])),
      attempts: mb?.attempts ?? 0,
      result:
        status === "completed"
          ? {
              location: outputPrefixed(job.outputPath, folder),
              files: files.filter((f) => f.miniBatchIndex === index).map((f) => ({ path: f.path, size: Number(f.size) })),
            }
          : null,
      error: status === "failed" || status === "canceled" ? (mb?.error ?? "The item failed.") : null,
    };
  });
  const counts: ItemCounts = {
    pending: data.filter((d) => d.status === "pending" || d.status === "running").length,
    completed: data.filter((d) => d.status === "completed").length,
    failed: data.filter((d) => d.status === "failed" || d.status === "canceled").length,
    total: data.length,
  };
  return { job: job.name, status: job.status, counts, data };
}

function outputPrefixed(outputPath: string, folder: string): string {
  return `${outputPath.endsWith("/") ? outputPath : `${outputPath}/`}${folder}`;
}
