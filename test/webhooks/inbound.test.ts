import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as hookRoute from "@/app/api/hooks/[webhookId]/route";
import { findAuditEvents, findAuditFilterOptions } from "@/lib/audit/find-audit-events";
import { db } from "@/lib/db";
import { uploadBlob } from "@/lib/storage";
import { createWebhook } from "@/lib/webhooks/create-webhook";
import { signPayload } from "@/lib/webhooks/signature";
import { startFunctionsServer } from "../support/functions-server";
import { deploymentFixture, PYTHON, uploadTexts, waitForJob } from "../support/jobs";
import { serveRoutes } from "./helpers";

const SCORE_PY = `
def init(): pass
def run(batch):
    return [open(p).read().strip() + "!" for p in batch]
`;

let functions: Awaited<ReturnType<typeof startFunctionsServer>>;
let hooks: Awaited<ReturnType<typeof serveRoutes>>;
let fx: Awaited<ReturnType<typeof deploymentFixture>>;
let webhookId: string;
let secret: string;

beforeAll(async () => {
  functions = await startFunctionsServer();
  hooks = await serveRoutes([{ pattern: /^\/api\/hooks\/([^/]+)$/, params: (m) => ({ webhookId: m[1] }), methods: hookRoute }]);
  fx = await deploymentFixture({
    code: { files: { "score.py": SCORE_PY } },
    scoringScript: "score.py",
    interpreter: PYTHON,
    settings: { miniBatchSize: 5 },
  });
  await uploadTexts(fx.target, "incoming/", 3);
  const created = await createWebhook({
    workspaceId: fx.workspace.id,
    actor: fx.actor,
    input: { direction: "inbound", name: "on-upload", endpointName: "scorer", template: { miniBatchSize: 2 } },
  });
  webhookId = created.webhook.id;
  secret = created.secret;
});
afterAll(async () => {
  await hooks?.close();
  await functions?.close();
});

const body = JSON.stringify({ input: { type: "uri_folder", path: "datastores/workspaceblobstore/paths/incoming/" } });

async function post(raw: string, headers: Record<string, string>, query = "") {
  const res = await fetch(`${hooks.origin}/api/hooks/${webhookId}${query}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: raw,
  });
  return { status: res.status, json: (await res.json()) as Record<string, any> };
}
const jobsOfWorkspace = () =>
  db.job.findMany({ where: { workspaceId: fx.workspace.id, submittedVia: "webhook" }, orderBy: { createdAt: "asc" } });
const deliveries = () => db.webhookDelivery.findMany({ where: { webhookId }, orderBy: { createdAt: "asc" } });

describe("inbound webhook: signed generic body", () => {
  const signature = () => signPayload({ secret, body });
  let firstHeader: string;

  it("starts exactly one job with the template's overrides, and the job completes", async () => {
    firstHeader = signature();
    const res = await post(body, { "Batchpoint-Signature": firstHeader });
    expect(res.status).toBe(202);
    expect(res.json).toMatchObject({ duplicate: false, job: { status: "queued" } });
    const jobs = await jobsOfWorkspace();
    expect(jobs).toHaveLength(1);
    expect(jobs[0]).toMatchObject({ name: res.json.job.name, submittedVia: "webhook" });
    expect(jobs[0].settings).toMatchObject({ miniBatchSize: 2 });
    expect(await waitForJob(jobs[0].id)).toMatchObject({ status: "completed", filesCompleted: 3, miniBatchesTotal: 2 });
    expect(await deliveries()).toEqual([expect.objectContaining({ status: "accepted", jobId: jobs[0].id, eventType: "job.invoke" })]);

    // The audit log names the webhook as who started the job, not "the system", and filters by it.
    const invoked = await findAuditEvents({ workspaceId: fx.workspace.id, action: "job.invoked" });
    expect(invoked.data).toEqual([
      expect.objectContaining({ actorUserId: null, actorTokenId: null, actorWebhookId: webhookId, actorWebhookName: "on-upload" }),
    ]);
    expect((await findAuditFilterOptions({ workspaceId: fx.workspace.id })).actors).toContainEqual({
      value: `webhook:${webhookId}`,
      label: "inbound webhook on-upload",
    });
    expect((await findAuditEvents({ workspaceId: fx.workspace.id, actor: `webhook:${webhookId}` })).count).toBe(1);
    expect((await findAuditEvents({ workspaceId: fx.workspace.id, actor: "system", action: "job.invoked" })).count).toBe(0);
  });

  it("answers a replay of the same signed request with the same job and starts no other", async () => {
    const res = await post(body, { "Batchpoint-Signature": firstHeader });
    expect(res.status).toBe(202);
    expect(res.json).toMatchObject({ duplicate: true });
    const jobs = await jobsOfWorkspace();
    expect(jobs.map((j) => j.name)).toEqual([res.json.job.name]);
    expect((await deliveries()).map((d) => [d.status, d.attempts])).toEqual([["accepted", 2]]);
  });

  it("dedupes a sender's retry by its event id even when re-signed later", async () => {
    const a = await post(body, {
      "Batchpoint-Signature": signPayload({ secret, body, timestamp: Math.floor(Date.now() / 1000) - 30 }),
      "Batchpoint-Event-Id": "evt-42",
    });
    const b = await post(body, { "Batchpoint-Signature": signature(), "Batchpoint-Event-Id": "evt-42" });
    expect([a.status, b.status]).toEqual([202, 202]);
    expect(b.json.job.name).toBe(a.json.job.name);
    expect(b.json.duplicate).toBe(true);
    expect(await jobsOfWorkspace()).toHaveLength(2);
  });

  it("starts one job for concurrent copies of the same event", async () => {
    const before = (await jobsOfWorkspace()).length;
    const copies = await Promise.all(
      [0, 1, 2].map(() => post(body, { "Batchpoint-Signature": signature(), "Batchpoint-Event-Id": "evt-burst" })),
    );
    expect(copies.map((c) => c.status)).toEqual([202, 202, 202]);
    expect(new Set(copies.map((c) => c.json.job.name)).size).toBe(1);
    expect(await jobsOfWorkspace()).toHaveLength(before + 1);
    expect(await db.webhookDelivery.findMany({ where: { webhookId, eventId: "evt-burst" } })).toEqual([
      expect.objectContaining({ status: "accepted", attempts: 3 }),
    ]);
  });

  it("refuses a wrong signature with 401, records it as rejected, and starts nothing", async () => {
    const before = (await jobsOfWorkspace()).length;
    const res = await post(body, { "Batchpoint-Signature": signPayload({ secret: "whsec_not-the-secret", body }) });
    expect(res.status).toBe(401);
    expect(res.json.error).toMatchObject({ code: "UNAUTHENTICATED" });
    expect(JSON.stringify(res.json)).not.toContain(secret);
    expect(await jobsOfWorkspace()).toHaveLength(before);
    expect((await deliveries()).at(-1)).toMatchObject({
      status: "rejected",
      responseStatus: 401,
      jobId: null,
      error: expect.stringContaining("signature does not match"),
    });
  });

  it("verifies the raw bytes: the same JSON re-serialized with one more space is refused", async () => {
    const header = signPayload({ secret, body });
    const res = await post(body.replace(":", ": "), { "Batchpoint-Signature": header });
    expect(res.status).toBe(401);
  });

  it("refuses a correctly signed request whose timestamp is older than 5 minutes", async () => {
    const before = (await jobsOfWorkspace()).length;
    const stale = signPayload({ secret, body, timestamp: Math.floor(Date.now() / 1000) - 6 * 60 });
    const res = await post(body, { "Batchpoint-Signature": stale, "Batchpoint-Event-Id": "evt-stale" });
    expect(res.status).toBe(401);
    expect(res.json.error.message).toMatch(/tolerance/);
    expect(await jobsOfWorkspace()).toHaveLength(before);
  });

  it("refuses an unsigned request and an unknown webhook", async () => {
    expect((await post(body, {})).status).toBe(401);
    const res = await fetch(`${hooks.origin}/api/hooks/nope`, { method: "POST", body });
    expect(res.status).toBe(404);
  });
});

describe("inbound webhook: Azure Event Grid", () => {
  const eg = (events: unknown[]) => JSON.stringify(events);

  it("answers the subscription-validation handshake with the validation code, given the secret", async () => {
    const handshake = eg([
      {
        id: "val-1",
        eventType: "Microsoft.EventGrid.SubscriptionValidationEvent",
        subject: "",
        data: { validationCode: "512d38b6-c7b8-40c8-89fe-f46f9e9622b6" },
        dataVersion: "1",
        eventTime: new Date().toISOString(),
      },
    ]);
    const ok = await post(handshake, { "aeg-event-type": "SubscriptionValidation" }, `?code=${encodeURIComponent(secret)}`);
    expect(ok).toEqual({ status: 200, json: { validationResponse: "512d38b6-c7b8-40c8-89fe-f46f9e9622b6" } });
    const noCode = await post(handshake, { "aeg-event-type": "SubscriptionValidation" }, "?code=wrong");
    expect(noCode.status).toBe(401);
  });

  it("starts one job on the created blob, mapped to its datastore path, and ignores the redelivery", async () => {
    await uploadBlob(fx.target, "drop/new-file.txt", "41");
    const blobEndpoint = /BlobEndpoint=([^;]+)/.exec(process.env.AZURE_STORAGE_CONNECTION_STRING!)![1].replace(/\/$/, "");
    const container = (fx.target as { containerName: string }).containerName;
    const event = {
      id: "831e1650-001e-001b-66ab-eeb76e069631",
      topic: "/subscriptions/x/resourceGroups/y/providers/Microsoft.Storage/storageAccounts/devstoreaccount1",
      subject: `/blobServices/default/containers/${container}/blobs/drop/new-file.txt`,
      eventType: "Microsoft.Storage.BlobCreated",
      eventTime: new Date().toISOString(),
      data: {
        api: "PutBlob",
        contentType: "text/plain",
        contentLength: 2,
        blobType: "BlockBlob",
        url: `${blobEndpoint}/${container}/drop/new-file.txt`,
      },
      dataVersion: "",
      metadataVersion: "1",
    };
    const res = await post(eg([event]), { "aeg-event-type": "Notification", "aeg-sas-key": secret });
    expect(res.status).toBe(202);
    const name = res.json.results[0].job.name as string;
    const job = await db.job.findFirstOrThrow({ where: { workspaceId: fx.workspace.id, name } });
    expect(job.inputs).toMatchObject({ data: { type: "uri_file", path: "datastores/workspaceblobstore/paths/drop/new-file.txt" } });
    expect(await waitForJob(job.id)).toMatchObject({ status: "completed", filesCompleted: 1 });

    const again = await post(eg([event]), { "aeg-event-type": "Notification", "aeg-sas-key": secret });
    expect(again.json.results[0]).toMatchObject({ duplicate: true, job: { name } });
    expect(
      await db.job.count({
        where: {
          workspaceId: fx.workspace.id,
          inputs: { path: ["data", "path"], equals: "datastores/workspaceblobstore/paths/drop/new-file.txt" },
        },
      }),
    ).toBe(1);
  });

  it("refuses a blob outside the workspace's datastores without starting a job", async () => {
    const before = (await jobsOfWorkspace()).length;
    const event = {
      id: "evt-foreign",
      eventType: "Microsoft.Storage.BlobCreated",
      subject: "x",
      eventTime: new Date().toISOString(),
      data: { url: "https://someoneelse.blob.core.windows.net/c/secret.csv" },
      dataVersion: "",
    };
    const res = await post(eg([event]), { "aeg-event-type": "Notification" }, `?code=${encodeURIComponent(secret)}`);
    expect(res.status).toBe(400);
    expect(res.json.error.message).toMatch(/not a datastore of this workspace/);
    expect(await jobsOfWorkspace()).toHaveLength(before);
  });
});
