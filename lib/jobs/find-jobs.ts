import "server-only";
import { z } from "zod";
import type { Prisma } from "@/lib/db";
import { db } from "@/lib/db";
import { notFound } from "@/lib/errors";
import { paginate, pageParamsSchema } from "@/lib/pagination";
import { describeMiniBatchInputs, rowsOf } from "./mini-batch-inputs";
import { jobProgress } from "./progress";
import { queuePositionOf } from "./queue-position";

export async function getJobOrThrow(opts: { workspaceId: string; name: string }) {
  const job = await db.job.findFirst({
    where: { workspaceId: opts.workspaceId, name: opts.name },
    include: { retryRounds: { orderBy: { round: "asc" } } },
  });
  if (!job) throw notFound(`Job '${opts.name}'`);
  return { ...job, progress: jobProgress(job), queuePosition: await queuePositionOf(job) };
}

export const findMiniBatchesSchema = pageParamsSchema.extend({
  status: z.enum(["pending", "running", "completed", "failed", "canceled"]).optional(),
});

// A job's mini-batches in index order, filterable by status (e.g. only the failed ones).
export async function findMiniBatches(opts: { workspaceId: string; jobName: string } & Partial<z.infer<typeof findMiniBatchesSchema>>) {
  const job = await getJobOrThrow({ workspaceId: opts.workspaceId, name: opts.jobName });
  const { page, perPage, status } = findMiniBatchesSchema.parse(opts);
  const { skip, take, wrap } = paginate({ page, perPage });
  const where: Prisma.MiniBatchWhereInput = { workspaceId: opts.workspaceId, jobId: job.id, ...(status ? { status } : {}) };
  const [rows, count] = await Promise.all([
    db.miniBatch.findMany({
      where,
      orderBy: { index: "asc" },
      skip,
      take,
      select: {
        index: true,
        status: true,
        itemCount: true,
        succeededCount: true,
        failedCount: true,
        attempts: true,
        durationMs: true,
        error: true,
        traceback: true,
        startedAt: true,
        finishedAt: true,
        items: true,
      },
    }),
    db.miniBatch.count({ where }),
  ]);
  // `inputs`: the files, or for tabular input the CSV and its rows, as people read them; `rows`: those row numbers.
  return wrap(
    rows.map((r) => ({ ...r, inputs: describeMiniBatchInputs(job, r), rows: rowsOf(job, r) })),
    count,
  );
}
