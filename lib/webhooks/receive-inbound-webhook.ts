import "server-only";
import { createHash, randomUUID } from "node:crypto";
import { z } from "zod";
import { zodFieldErrors } from "@/lib/api/field-errors";
import { readBody } from "@/lib/api/read-body";
import { decryptSecret } from "@/lib/crypto/secret-box";
import { db } from "@/lib/db";
import { AppError, fieldError, isUniqueViolation } from "@/lib/errors";
import { startJob } from "@/lib/jobs/job-commands";
import { isDataInput } from "@/lib/jobs/invoke-job";
import { hasDataInput } from "./create-webhook";
import { recordInboundRequest, STORED_REJECTED_BODY_BYTES, type RecordedRequest } from "./inbound-request";
import {
  BLOB_CREATED,
  blobUrlToDataPath,
  eventGridBatchSchema,
  looksLikeEventGrid,
  SUBSCRIPTION_VALIDATION,
  type EventGridEvent,
} from "./event-grid";
import { secretMatches, SIGNATURE_HEADER, verifySignature } from "./signature";

/** The largest body an inbound webhook accepts. */
export const MAX_INBOUND_BODY_BYTES = 1024 * 1024;

/** A delivery's answer when it was taken (202 started or duplicate, 200 an Event Grid handshake); refusals throw AppError. */
export interface InboundResult {
  status: number;
  body: unknown;
}

/** The generic body: `{ input: {...}, inputs?, ...invoke overrides }`, merged over the trigger's template. */
export const inboundJobBodySchema = z.record(z.string(), z.unknown());

type Hook = { id: string; workspaceId: string; deploymentName: string | null; template: unknown; endpoint: { name: string } | null };
/** What a delivery row keeps of its request (inbound-request.ts): masked, capped, no secret header. */
type Kept = RecordedRequest;

/**
 * Handles one POST to an inbound webhook URL. The trigger is looked up first: for an unknown or
 * disabled id nothing of the body is read. Then at most 1 MiB of the body is read (413 beyond, the
 * read stopped there), and the exact raw bytes are authenticated (HMAC signature, or for Azure Event
 * Grid the shared secret). Records a WebhookDelivery and starts at most one job per (webhook, event
 * id). Never returns or logs the secret. `body` is the raw bytes, or the request to read them from.
 * A refused delivery throws AppError (404 unknown hook, 413, 401 bad signature, 400 bad body, or the
 * job's own refusal), which the route maps like every other API error.
 */
export async function receiveInboundWebhook(opts: {
  webhookId: string;
  body: Buffer | Request;
  headers: Headers;
  query: URLSearchParams;
  now?: number;
}): Promise<InboundResult> {
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(opts.webhookId)) throw new AppError("NOT_FOUND", "No webhook is registered at this URL.");
  const row = await db.webhook.findFirst({
    where: { id: opts.webhookId, direction: "inbound", enabled: true },
    select: {
      id: true,
      workspaceId: true,
      deploymentName: true,
      template: true,
      secretCiphertext: true,
      endpoint: { select: { name: true } },
    },
  });
  if (!row) throw new AppError("NOT_FOUND", "No webhook is registered at this URL.");
  const { secretCiphertext, ...hook } = row;
  const tooLarge = () => new AppError("PAYLOAD_TOO_LARGE", "The body is larger than 1 MiB.");
  let rawBody: Buffer;
  try {
    rawBody = Buffer.isBuffer(opts.body) ? opts.body : await readBody(opts.body, { limit: MAX_INBOUND_BODY_BYTES });
  } catch (e) {
    throw e instanceof AppError && e.code === "PAYLOAD_TOO_LARGE" ? tooLarge() : e;
  }
  if (rawBody.length > MAX_INBOUND_BODY_BYTES) throw tooLarge();

  const secret = decryptSecret(secretCiphertext);
  const eventGridDelivery = opts.headers.has("aeg-event-type");
  const signatureHeader = opts.headers.get(SIGNATURE_HEADER);
  let signatureKey: string | null = null;
  if (signatureHeader || !eventGridDelivery) {
    const check = verifySignature({ secret, header: signatureHeader, body: rawBody, now: opts.now });
    if (!check.ok) throw await reject(hook, `Bad signature: ${check.reason}.`, keepRejected(rawBody, opts.headers));
    signatureKey = `sig:${check.timestamp}.${check.signature}`;
  } else if (!secretMatches(opts.query.get("code") ?? opts.headers.get("aeg-sas-key"), secret)) {
    throw await reject(
      hook,
      "Event Grid delivery without the webhook's secret (?code= or aeg-sas-key).",
      keepRejected(rawBody, opts.headers),
    );
  }

  let body: unknown;
  try {
    body = JSON.parse(rawBody.toString("utf8"));
  } catch {
    throw new AppError("BAD_REQUEST", "The body is not valid JSON.");
  }

  if (eventGridDelivery || looksLikeEventGrid(body)) {
    const events = eventGridBatchSchema.safeParse(body);
    if (!events.success)
      throw new AppError("BAD_REQUEST", "The body is not an Azure Event Grid event array.", { fieldErrors: zodFieldErrors(events.error) });
    return handleEventGrid(hook, events.data, opts.headers);
  }
  if (signatureKey === null)
    throw new AppError("BAD_REQUEST", "Requests authenticated by ?code= must be Event Grid deliveries; sign other bodies.");

  const parsed = inboundJobBodySchema.safeParse(body);
  if (!parsed.success)
    throw new AppError("BAD_REQUEST", "The body must be a JSON object: { input: { type, path }, inputs?, ...overrides }.");
  const { idempotencyKey, ...overrides } = parsed.data;
  const eventId =
    opts.headers.get("batchpoint-event-id") ??
    opts.headers.get("idempotency-key") ??
    (typeof idempotencyKey === "string" && idempotencyKey ? idempotencyKey : signatureKey);
  if (eventId.length > 200) throw fieldError("batchpoint-event-id", "The event id is longer than 200 characters.");
  const kept = recordInboundRequest({ rawBody, headers: opts.headers, json: body });
  const result = await startFromDelivery(hook, { eventId, eventType: "job.invoke", overrides, kept });
  if (!result.ok) throw result.error;
  return { status: 202, body: result.value };
}

/** Rejected requests recorded per webhook and minute at most, so a flood cannot fill the table. */
const REJECTED_RECORDS_PER_MINUTE = 100;

/** An unauthenticated body is kept shorter: enough to see why its signature failed. */
const keepRejected = (rawBody: Buffer, headers: Headers) => recordInboundRequest({ rawBody, headers, limit: STORED_REJECTED_BODY_BYTES });

/** Records a refused delivery (at most REJECTED_RECORDS_PER_MINUTE) and returns the 401 to throw. */
async function reject(hook: Hook, reason: string, kept: Kept): Promise<AppError> {
  const refused = new AppError("UNAUTHENTICATED", reason);
  const recent = await db.webhookDelivery.count({
    where: { workspaceId: hook.workspaceId, webhookId: hook.id, status: "rejected", createdAt: { gt: new Date(Date.now() - 60_000) } },
  });
  if (recent >= REJECTED_RECORDS_PER_MINUTE) return refused;
  await db.webhookDelivery.create({
    data: {
      workspaceId: hook.workspaceId,
      webhookId: hook.id,
      eventId: `rejected:${randomUUID()}`,
      eventType: "unknown",
      status: "rejected",
      attempts: 1,
      responseStatus: 401,
      error: reason,
      ...kept,
    },
  });
  return refused;
}

async function handleEventGrid(hook: Hook, events: EventGridEvent[], headers: Headers): Promise<InboundResult> {
  // Each event is its own delivery row and keeps its own JSON.
  const keep = (event: EventGridEvent) => recordInboundRequest({ rawBody: Buffer.from(JSON.stringify(event)), headers, json: event });
  const validation = events.find((e) => e.eventType === SUBSCRIPTION_VALIDATION);
  if (validation) {
    const code = validation.data.validationCode;
    if (typeof code !== "string") throw fieldError("data.validationCode", "The validation event has no data.validationCode.");
    await recordOnce(hook, {
      eventId: validation.id,
      eventType: SUBSCRIPTION_VALIDATION,
      status: "accepted",
      responseStatus: 200,
      kept: keep(validation),
    });
    return { status: 200, body: { validationResponse: code } };
  }
  const results: unknown[] = [];
  let failure: AppError | null = null;
  for (const event of events) {
    if (event.eventType !== BLOB_CREATED) {
      await recordOnce(hook, {
        eventId: event.id,
        eventType: event.eventType,
        status: "ignored",
        responseStatus: 200,
        error: `Only ${BLOB_CREATED} events start jobs.`,
        kept: keep(event),
      });
      results.push({ eventId: event.id, ignored: true });
      continue;
    }
    const url = event.data.url;
    const r = await startFromDelivery(hook, {
      eventId: event.id,
      eventType: BLOB_CREATED,
      overrides: {},
      kept: keep(event),
      resolveInput: async () => {
        if (typeof url !== "string") throw new AppError("BAD_REQUEST", "The BlobCreated event has no data.url.");
        return { type: "uri_file", path: await blobUrlToDataPath({ workspaceId: hook.workspaceId, url }) };
      },
    });
    if (r.ok) results.push(r.value);
    else {
      results.push({ eventId: event.id, error: { code: r.error.code, message: r.error.message } });
      failure ??= r.error;
    }
  }
  if (failure) throw new AppError(failure.code, failure.message, { results });
  return { status: 202, body: { results } };
}

async function recordOnce(
  hook: Hook,
  { kept, ...d }: { eventId: string; eventType: string; status: string; responseStatus: number; error?: string; kept: Kept },
) {
  try {
    await db.webhookDelivery.create({ data: { workspaceId: hook.workspaceId, webhookId: hook.id, attempts: 1, ...d, ...kept } });
  } catch (e) {
    if (!isUniqueViolation(e)) throw e;
    await db.webhookDelivery.updateMany({
      where: { workspaceId: hook.workspaceId, webhookId: hook.id, eventId: d.eventId },
      data: { attempts: { increment: 1 } },
    });
  }
}

/** The job's idempotency key for one delivery: the same event always maps to the same job. */
function jobKeyOf(webhookId: string, eventId: string) {
  return `webhook:${createHash("sha256").update(`${webhookId}\n${eventId}`).digest("hex").slice(0, 48)}`;
}

type StartResult =
  | { ok: true; value: { eventId: string; duplicate: boolean; job: { name: string; status: string } } }
  | { ok: false; error: AppError };

/** Merges a delivery over the trigger's template: a data input in the delivery replaces the template's. */
function mergeInvocation(hook: Hook, overrides: Record<string, unknown>) {
  const template = { ...((hook.template ?? {}) as Record<string, unknown>) };
  const templateInputs = { ...((template.inputs ?? {}) as Record<string, { type?: string }>) };
  if (hasDataInput(overrides)) {
    delete template.input;
    for (const [k, v] of Object.entries(templateInputs)) if (isDataInput(v)) delete templateInputs[k];
  }
  const inputs = { ...templateInputs, ...((overrides.inputs ?? {}) as Record<string, unknown>) };
  return {
    ...(hook.deploymentName ? { deploymentName: hook.deploymentName } : {}),
    ...template,
    ...overrides,
    ...(Object.keys(inputs).length ? { inputs } : {}),
  };
}

/**
 * Claims the delivery row for (webhook, eventId) and starts the job through startJob with a key
 * derived from the event, so a replay, a retry by the sender, or two concurrent copies start one job.
 */
async function startFromDelivery(
  hook: Hook,
  d: {
    eventId: string;
    eventType: string;
    overrides: Record<string, unknown>;
    kept: Kept;
    resolveInput?: () => Promise<{ type: string; path: string }>;
  },
): Promise<StartResult> {
  const where = { workspaceId: hook.workspaceId, webhookId: hook.id, eventId: d.eventId };
  let duplicate = false;
  try {
    await db.webhookDelivery.create({ data: { ...where, eventType: d.eventType, status: "pending", attempts: 1, ...d.kept } });
  } catch (e) {
    if (!isUniqueViolation(e)) throw e;
    duplicate = true;
    await db.webhookDelivery.updateMany({ where, data: { attempts: { increment: 1 } } });
    const prior = await db.webhookDelivery.findFirst({ where, select: { jobId: true } });
    const job = prior?.jobId
      ? await db.job.findFirst({ where: { workspaceId: hook.workspaceId, id: prior.jobId }, select: { name: true, status: true } })
      : null;
    if (job) return { ok: true, value: { eventId: d.eventId, duplicate, job } };
  }
  try {
    if (!hook.endpoint) throw new AppError("NOT_FOUND", "The webhook's endpoint was deleted.");
    const overrides = d.resolveInput ? { ...d.overrides, input: await d.resolveInput() } : d.overrides;
    const { job, created } = await startJob({
      workspaceId: hook.workspaceId,
      actor: { userId: null, webhookId: hook.id },
      endpointName: hook.endpoint.name,
      input: { ...mergeInvocation(hook, overrides), idempotencyKey: jobKeyOf(hook.id, d.eventId) } as Parameters<
        typeof startJob
      >[0]["input"],
      via: "webhook",
    });
    await db.webhookDelivery.updateMany({ where, data: { status: "accepted", jobId: job.id, responseStatus: 202, error: null } });
    return { ok: true, value: { eventId: d.eventId, duplicate: duplicate || !created, job: { name: job.name, status: job.status } } };
  } catch (e) {
    const error = toAppError(e);
    if (!error) throw e;
    await db.webhookDelivery.updateMany({ where, data: { status: "failed", responseStatus: error.status, error: error.message } });
    return { ok: false, error };
  }
}

/** An expected refusal of the job request as AppError (recorded on the delivery); anything else is unexpected. */
function toAppError(e: unknown): AppError | null {
  if (e instanceof AppError) return e;
  if (e instanceof z.ZodError)
    return new AppError("BAD_REQUEST", "The job request is invalid; see details.fieldErrors.", { fieldErrors: zodFieldErrors(e) });
  return null;
}
