import { NonRetriableError } from "inngest";
import { getEnv } from "@/lib/env";
import { inngest } from "@/lib/events/client";
import { eventIds, jobCancelRequested, laneRequested, plain } from "@/lib/events/jobs";
import { followUpEvents } from "@/lib/jobs/job-events";
import { runLaneStep } from "@/lib/jobs/score-lane";

/**
 * One scoring lane of a job (docs/decisions/0023): a long-lived run whose steps each claim, score
 * and record the job's mini-batches for up to BATCHPOINT_LANE_STEP_SECONDS. Before the run nears
 * BATCHPOINT_LANE_STEPS steps (Inngest allows 1,000) it sends its successor and ends. Retries cover
 * the lane's own failures (a lost database connection); a retried step takes its claims back.
 */
export const scoreLaneFunction = inngest.createFunction(
  {
    id: "score-lane",
    triggers: [laneRequested],
    retries: 20,
    concurrency: [{ key: "event.data.deploymentId", limit: 32 }],
    cancelOn: [{ event: jobCancelRequested.name, match: "data.jobId" }],
  },
  async ({ event, step }) => {
    const { jobId, workspaceId, deploymentId, generation, lane, spawn } = event.data;
    if (!jobId) throw new NonRetriableError("batch/lane.requested needs data.jobId");
    const env = getEnv();
    const limits = { stepMs: env.BATCHPOINT_LANE_STEP_SECONDS * 1000, leaseMs: env.BATCHPOINT_LANE_LEASE_SECONDS * 1000 };
    let msPerMiniBatch = event.data.msPerMiniBatch ?? null;
    for (let i = 0; ; i++) {
      const r = await step.run(`work-${i}`, () => runLaneStep({ jobId, generation, lane, msPerMiniBatch, ...limits }));
      msPerMiniBatch = r.msPerMiniBatch ?? msPerMiniBatch;
      if (r.followUp) {
        const events = followUpEvents(jobId, workspaceId, r.followUp);
        if (events.length) await step.sendEvent("follow-up", events);
        return { ...r, steps: i + 1 };
      }
      if (r.state !== "working") return { ...r, steps: i + 1 };
      // The next work step and the successor's send must both fit in this run's steps.
      if (i + 3 > env.BATCHPOINT_LANE_STEPS) {
        await step.sendEvent(
          "successor",
          plain(
            laneRequested.create(
              {
                jobId,
                workspaceId,
                deploymentId,
                generation,
                lane,
                spawn: spawn + 1,
                ...(msPerMiniBatch !== null ? { msPerMiniBatch } : {}),
              },
              { id: eventIds.lane(jobId, generation, lane, spawn + 1) },
            ),
          ),
        );
        return { ...r, steps: i + 2, respawned: spawn + 1 };
      }
    }
  },
);
