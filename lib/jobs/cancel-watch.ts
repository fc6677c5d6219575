import "server-only";
import { sql } from "@/lib/db/sql";

const POLL_MS = 1000;
const watches = new Map<string, { controllers: Set<AbortController>; timer: NodeJS.Timeout }>();

/**
 * Aborts the returned signal when the job is canceled or has failed, so running workers are stopped
 * within about a second. One poll per job per process, however many of its mini-batches run here.
 */
export function watchJobCancel(jobId: string): { signal: AbortSignal; release(): void } {
  const controller = new AbortController();
  let w = watches.get(jobId);
  if (!w) {
    const controllers = new Set<AbortController>();
    const timer = setInterval(async () => {
      // Raw pg (lib/db/sql.ts): this runs every second for as long as the job scores, so Prisma's per-query cost shows.
      const { rows } = await sql()
        .query(`SELECT 1 FROM "Job" WHERE "id" = $1 AND ("cancelRequestedAt" IS NOT NULL OR "status" IN ('failed', 'canceled'))`, [jobId])
        .catch(() => ({ rows: [] }));
      if (rows.length) for (const c of controllers) c.abort();
    }, POLL_MS);
    timer.unref();
    w = { controllers, timer };
    watches.set(jobId, w);
  }
  w.controllers.add(controller);
  return {
    signal: controller.signal,
    release() {
      w.controllers.delete(controller);
      if (w.controllers.size === 0) {
        clearInterval(w.timer);
        watches.delete(jobId);
      }
    },
  };
}
