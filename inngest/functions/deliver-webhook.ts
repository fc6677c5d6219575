import { deliverWebhook } from "@/lib/webhooks/deliver-webhook";
import { inngest } from "@/lib/events/client";
import { webhookDeliveryRequested } from "@/lib/events/jobs";

const RETRIES = 5;

// POSTs one signed job event to a workspace's URL; a non-2xx answer is retried with backoff.
export const deliverWebhookFunction = inngest.createFunction(
  {
    id: "deliver-webhook",
    triggers: [webhookDeliveryRequested],
    retries: RETRIES,
    concurrency: [{ key: "event.data.workspaceId", limit: 10 }],
  },
  async ({ event, step, attempt }) =>
    step.run("deliver", () =>
      deliverWebhook({ workspaceId: event.data.workspaceId, deliveryId: event.data.deliveryId, attempt, maxAttempts: RETRIES + 1 }),
    ),
);
