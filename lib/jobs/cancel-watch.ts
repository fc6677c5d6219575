import "server-only";
import { db } from "@/lib/db";

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
      const j = await db.job.findUnique({ where: { id: jobId }, select: { cancelRequestedAt: true, status: true } }).catch(() => null);
      if (j && (j.cancelRequestedAt || j.status === "failed" || j.status === "canceled")) for (const c of controllers) c.abort();
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
