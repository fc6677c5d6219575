import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { startJob } from "@/lib/jobs/job-commands";
import { createWebhook } from "@/lib/webhooks/create-webhook";
import { findWebhookDeliveries } from "@/lib/webhooks/find-webhooks";
import { verifySignature } from "@/lib/webhooks/signature";
import { startFunctionsServer } from "../support/functions-server";
import { deploymentFixture, PYTHON, uploadTexts, waitForJob } from "../support/jobs";
import { startReceiver, until } from "./helpers";

let functions: Awaited<ReturnType<typeof startFunctionsServer>>;
const receivers: { close(): Promise<void> }[] = [];
beforeAll(async () => {
  functions = await startFunctionsServer();
});
afterAll(async () => {
  for (const r of receivers) await r.close();
  await functions?.close();
});

describe("outbound webhooks on job events", () => {
  it("delivers job.completed, signed, retrying a receiver that fails twice; records every attempt; skips unsubscribed and gives up on a dead receiver", async () => {
    const fx = await deploymentFixture({
      code: { files: { "score.py": "def init(): pass\ndef run(batch):\n    return [p[-7:] for p in batch]\n" } },
      scoringScript: "score.py",
      interpreter: PYTHON,
    });
    const flaky = await startReceiver([500, 500]);
    const failedOnly = await startReceiver([]);
    const dead = await startReceiver(Array(10).fill(503));
    receivers.push(flaky, failedOnly, dead);
    const ws = fx.workspace.id;
    const a = await createWebhook({
      workspaceId: ws,
      actor: fx.actor,
      input: { direction: "outbound", name: "ci-notify", url: flaky.url },
    });
    const b = await createWebhook({
      workspaceId: ws,
      actor: fx.actor,
      input: { direction: "outbound", name: "pager", url: failedOnly.url, events: ["job.failed"] },
    });
    const c = await createWebhook({ workspaceId: ws, actor: fx.actor, input: { direction: "outbound", name: "gone", url: dead.url } });

    await uploadTexts(fx.target, "in/", 2);
    const { job } = await startJob({
      workspaceId: ws,
      actor: fx.actor,
      endpointName: "scorer",
      input: { input: { type: "uri_folder", path: "datastores/workspaceblobstore/paths/in/" } },
    });
    expect(await waitForJob(job.id)).toMatchObject({ status: "completed" });

    const delivered = await until(
      async () => {
        const d = await db.webhookDelivery.findFirst({ where: { webhookId: a.webhook.id } });
        return d?.status === "delivered" ? d : null;
      },
      30_000,
      "the delivery to succeed",
    );
    expect(delivered).toMatchObject({
      eventType: "job.completed",
      attempts: 3,
      responseStatus: 200,
      responseBody: "ok",
      error: null,
      jobId: job.id,
    });

    expect(flaky.received).toHaveLength(3);
    const last = flaky.received[2];
    expect(flaky.received.every((r) => r.body.equals(last.body))).toBe(true);
    expect(last.headers["batchpoint-event-type"]).toBe("job.completed");
    expect(last.headers["batchpoint-delivery-attempt"]).toBe("3");
    expect(verifySignature({ secret: a.secret, header: last.headers["batchpoint-signature"] as string, body: last.body })).toMatchObject({
      ok: true,
    });
    expect(verifySignature({ secret: c.secret, header: last.headers["batchpoint-signature"] as string, body: last.body })).toMatchObject({
      ok: false,
    });
    const payload = JSON.parse(last.body.toString("utf8"));
    expect(Object.keys(payload)).toEqual(["id", "type", "created_at", "data"]);
    expect(payload).toMatchObject({
      id: delivered.eventId,
      type: "job.completed",
      created_at: expect.any(Number),
      data: {
        job: {
          name: job.name,
          status: "completed",
          endpoint: "scorer",
          deployment: "blue",
          counts: { files: { total: 2, succeeded: 2, failed: 0 } },
          output: expect.stringMatching(/predictions\.csv$/),
          error: null,
        },
      },
    });

    const deadDelivery = await until(
      async () => {
        const d = await db.webhookDelivery.findFirst({ where: { webhookId: c.webhook.id } });
        return d?.status === "failed" ? d : null;
      },
      30_000,
      "the dead receiver's delivery to fail",
    );
    expect(deadDelivery).toMatchObject({
      attempts: 6,
      responseStatus: 503,
      responseBody: "receiver says no (503)",
      error: "The receiver answered 503.",
    });
    expect(dead.received).toHaveLength(6);

    expect(failedOnly.received).toHaveLength(0);
    expect(await db.webhookDelivery.count({ where: { webhookId: b.webhook.id } })).toBe(0);

    const page = await findWebhookDeliveries({ workspaceId: ws, webhookId: a.webhook.id });
    expect(page.data).toEqual([expect.objectContaining({ status: "delivered", attempts: 3, responseStatus: 200, jobName: job.name })]);
  });

  it("sends job.failed with the job's error to a webhook subscribed to failures only", async () => {
    const fx = await deploymentFixture({
      code: { files: { "score.py": "def init(): pass\ndef run(batch):\n    raise ValueError('bad input')\n" } },
      scoringScript: "score.py",
      interpreter: PYTHON,
      settings: { errorThreshold: 0, retrySettings: { maxRetries: 0, timeout: 30 } },
    });
    const receiver = await startReceiver([]);
    receivers.push(receiver);
    const hook = await createWebhook({
      workspaceId: fx.workspace.id,
      actor: fx.actor,
      input: { direction: "outbound", name: "pager", url: receiver.url, events: ["job.failed"] },
    });
    await uploadTexts(fx.target, "in/", 1);
    const { job } = await startJob({
      workspaceId: fx.workspace.id,
      actor: fx.actor,
      endpointName: "scorer",
      input: { input: { type: "uri_folder", path: "datastores/workspaceblobstore/paths/in/" } },
    });
    expect(await waitForJob(job.id)).toMatchObject({ status: "failed" });
    await until(async () => receiver.received.length === 1, 20_000, "the job.failed delivery");
    const got = receiver.received[0];
    expect(verifySignature({ secret: hook.secret, header: got.headers["batchpoint-signature"] as string, body: got.body }).ok).toBe(true);
    expect(JSON.parse(got.body.toString())).toMatchObject({
      type: "job.failed",
      data: {
        job: { name: job.name, status: "failed", error: expect.stringMatching(/error threshold/), counts: { files: { failed: 1 } } },
      },
    });
    expect(await db.webhookDelivery.findFirst({ where: { webhookId: hook.webhook.id } })).toMatchObject({
      status: "delivered",
      attempts: 1,
      eventType: "job.failed",
    });
  });

  it("reaches no private address unless the operator allows it: refused at creation, and not sent if the setting changes later", async () => {
    const fx = await deploymentFixture({
      code: { files: { "score.py": "def init(): pass\ndef run(batch):\n    return batch\n" } },
      scoringScript: "score.py",
      interpreter: PYTHON,
    });
    const receiver = await startReceiver([]);
    receivers.push(receiver);
    const hook = await createWebhook({
      workspaceId: fx.workspace.id,
      actor: fx.actor,
      input: { direction: "outbound", name: "internal", url: receiver.url },
    });
    delete process.env.BATCHPOINT_WEBHOOK_ALLOW_PRIVATE;
    try {
      await expect(
        createWebhook({
          workspaceId: fx.workspace.id,
          actor: fx.actor,
          input: { direction: "outbound", name: "metadata", url: "http://169.254.169.254/latest/meta-data/" },
        }),
      ).rejects.toThrow("169.254.169.254 is a link-local (cloud metadata lives here) address: job events go to public addresses only.");
      await uploadTexts(fx.target, "in/", 1);
      const { job } = await startJob({
        workspaceId: fx.workspace.id,
        actor: fx.actor,
        endpointName: "scorer",
        input: { input: { type: "uri_folder", path: "datastores/workspaceblobstore/paths/in/" } },
      });
      expect(await waitForJob(job.id)).toMatchObject({ status: "completed" });
      const d = await until(
        async () => {
          const row = await db.webhookDelivery.findFirst({ where: { webhookId: hook.webhook.id } });
          return row?.status === "failed" ? row : null;
        },
        20_000,
        "the delivery attempt",
      );
      expect(d.error).toMatch(
        /^Not sent: 127\.0\.0\.1 is a loopback \(this machine\) address; webhooks are delivered to public addresses only/,
      );
      expect(d).toMatchObject({ responseStatus: null, attempts: 1 }); // no retries: the address will not change
      expect(receiver.received).toHaveLength(0);
    } finally {
      process.env.BATCHPOINT_WEBHOOK_ALLOW_PRIVATE = "1";
    }
  });
});
