/** The job events a workspace can subscribe an outbound webhook to (OpenAI's `batch.*` in spirit). */
export const JOB_EVENT_TYPES = ["job.completed", "job.failed", "job.canceled"] as const;
export type JobEventType = (typeof JOB_EVENT_TYPES)[number];

/** Prefix of webhook secrets: shown once at creation, stored encrypted. */
export const WEBHOOK_SECRET_PREFIX = "whsec_";

/** The public URL path an inbound webhook receives POSTs on. */
export const hookPath = (webhookId: string) => `/api/hooks/${webhookId}`;
