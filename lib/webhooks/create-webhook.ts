import "server-only";
import { z } from "zod";
import { recordAuditEvent, type Actor } from "@/lib/audit/record-audit-event";
import { encryptSecret } from "@/lib/crypto/secret-box";
import { generateToken } from "@/lib/crypto/tokens";
import { db, type Prisma } from "@/lib/db";
import { resolveDeployment } from "@/lib/deployments/create-deployment";
import { getEndpointOrThrow } from "@/lib/endpoints/find-endpoints";
import { fieldError, isUniqueViolation } from "@/lib/errors";
import { invokeJobSchema, isDataInput } from "@/lib/jobs/invoke-job";
import { resourceNameSchema } from "@/lib/validation";
import { ALLOW_PRIVATE_ENV, refusedHost } from "./egress";
import { toPublicWebhook, webhookSelect } from "./find-webhooks";
import { JOB_EVENT_TYPES, WEBHOOK_SECRET_PREFIX } from "./webhook-types";

// Stands in for the data input a trigger's caller sends, so a template without one still validates.
const PLACEHOLDER_INPUT = { type: "uri_file", path: "datastores/workspaceblobstore/paths/placeholder" } as const;

/** True when an invoke body names its data input (`input`, or a data entry in `inputs`). */
export function hasDataInput(body: Record<string, unknown>): boolean {
  const inputs = (body.inputs ?? {}) as Record<string, { type?: unknown } | undefined>;
  return body.input !== undefined || Object.values(inputs).some(isDataInput);
}

/** A job template: invoke overrides (see invokeJobSchema); the data input may come from each delivery. */
export const jobTemplateSchema = z.record(z.string(), z.unknown()).superRefine((template, ctx) => {
  if ("idempotencyKey" in template)
    ctx.addIssue({
      code: "custom",
      path: ["idempotencyKey"],
      message: "Each delivery gets its own idempotency key; leave it out of the template.",
    });
  const parsed = invokeJobSchema.safeParse(hasDataInput(template) ? template : { ...template, input: PLACEHOLDER_INPUT });
  if (!parsed.success) for (const issue of parsed.error.issues) ctx.addIssue({ code: "custom", path: issue.path, message: issue.message });
});

export const createWebhookSchema = z.discriminatedUnion("direction", [
  z.object({
    direction: z.literal("inbound"),
    name: resourceNameSchema,
    endpointName: z.string().trim().min(1, "Name the endpoint the trigger invokes."),
    deploymentName: z.string().trim().min(1).optional(),
    template: jobTemplateSchema.default({}),
  }),
  z.object({
    direction: z.literal("outbound"),
    name: resourceNameSchema,
    url: z.url({ protocol: /^https?$/, error: "Give an http(s) URL to deliver job events to." }).superRefine((url, ctx) => {
      let why: string | null = null;
      try {
        why = refusedHost(new URL(url));
      } catch {
        return; // not a URL: the check above says so
      }
      if (why)
        ctx.addIssue({
          code: "custom",
          message: `${why}: job events go to public addresses only. An administrator can allow private ones with ${ALLOW_PRIVATE_ENV}=1.`,
        });
    }),
    events: z
      .array(z.enum(JOB_EVENT_TYPES))
      .min(1, "Subscribe to at least one event.")
      .default([...JOB_EVENT_TYPES]),
  }),
]);
export type CreateWebhookInput = z.input<typeof createWebhookSchema>;

// Creates an inbound trigger or an outbound subscription; the secret is returned this once only.
export async function createWebhook(opts: { workspaceId: string; actor: Actor; input: CreateWebhookInput }) {
  const input = createWebhookSchema.parse(opts.input);
  const secret = generateToken(WEBHOOK_SECRET_PREFIX);
  let data: Prisma.WebhookUncheckedCreateInput;
  if (input.direction === "inbound") {
    const endpoint = await getEndpointOrThrow({ workspaceId: opts.workspaceId, name: input.endpointName });
    if (input.deploymentName)
      await resolveDeployment({ workspaceId: opts.workspaceId, endpointName: endpoint.name, deploymentName: input.deploymentName });
    const endpointId = endpoint.id;
    data = {
      workspaceId: opts.workspaceId,
      direction: "inbound",
      name: input.name,
      endpointId,
      deploymentName: input.deploymentName ?? null,
      template: input.template as Prisma.InputJsonValue,
      events: [],
      secretCiphertext: encryptSecret(secret),
      createdById: opts.actor.userId ?? null,
    };
  } else {
    data = {
      workspaceId: opts.workspaceId,
      direction: "outbound",
      name: input.name,
      url: input.url,
      events: input.events,
      secretCiphertext: encryptSecret(secret),
      createdById: opts.actor.userId ?? null,
    };
  }
  try {
    const row = await db.webhook.create({ data, select: webhookSelect });
    await recordAuditEvent({
      workspaceId: opts.workspaceId,
      actor: opts.actor,
      action: "webhook.created",
      targetType: "webhook",
      targetId: row.id,
      metadata: { name: row.name, direction: row.direction },
    });
    return { webhook: toPublicWebhook(row), secret };
  } catch (e) {
    if (isUniqueViolation(e)) throw fieldError("name", `A webhook named '${input.name}' already exists in this workspace.`, "CONFLICT");
    throw e;
  }
}
