import { getJobFinalStatus, queueJobNotifications } from "@/lib/webhooks/job-notifications";
import { inngest } from "@/lib/events/client";
import { jobFinalized, plain, webhookDeliveryEventId, webhookDeliveryRequested } from "@/lib/events/jobs";

// Sends one webhook delivery event per outbound webhook subscribed to the job's final status.
export const notifyJobFinishedFunction = inngest.createFunction(
  { id: "notify-job-finished", triggers: [jobFinalized], retries: 3, concurrency: [{ key: "event.data.jobId", limit: 1 }] },
  async ({ event, step }) => {
    const { jobId, workspaceId } = event.data;
    const state = await step.run("check-listeners", () => getJobFinalStatus({ workspaceId, jobId }));
    if (!state.found || state.listeners === 0 || !state.final) return { queued: 0 };
    const ids = await step.run("queue-deliveries", () => queueJobNotifications({ workspaceId, jobId }));
    if (ids.length) {
      await step.sendEvent(
        "send-deliveries",
        ids.map((deliveryId) =>
          plain(webhookDeliveryRequested.create({ deliveryId, workspaceId }, { id: webhookDeliveryEventId(deliveryId) })),
        ),
      );
    }
    return { status: state.status, queued: ids.length };
  },
);
