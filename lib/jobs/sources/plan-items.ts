import "server-only";
import { db } from "@/lib/db";
import type { JobInputs } from "../job-snapshot";
import { insertMiniBatches, type NewMiniBatch } from "../insert-mini-batches";

const INSERT_CHUNK = 100;

/**
 * The mini-batches of a job without a data input: one per input item of `sources` (the item is one
 * unit: it succeeds or fails whole), or, with no sources either, one that calls run() once with an
 * empty mini-batch. Indexes follow the items' order, so a re-run after a crash writes nothing twice.
 * Returns the mini-batch count; the caller moves the job to running.
 */
export async function planItems(job: { id: string; workspaceId: string }, inputs: JobInputs): Promise<number> {
  const rows: NewMiniBatch[] = inputs.sources?.length
    ? inputs.sources.map((item, index) => ({
        workspaceId: job.workspaceId,
        jobId: job.id,
        index,
        items: item.files.map((f) => `${item.key}/${f.name}: ${f.container}/${f.filePath}`),
        itemCount: 1,
      }))
    : [{ workspaceId: job.workspaceId, jobId: job.id, index: 0, items: [], itemCount: 1 }];
  for (let i = 0; i < rows.length; i += INSERT_CHUNK) {
    await insertMiniBatches(rows.slice(i, i + INSERT_CHUNK));
    await db.job.update({ where: { id: job.id }, data: { progressAt: new Date() } });
  }
  return rows.length;
}
