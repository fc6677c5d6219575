import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { createEndpoint } from "@/lib/endpoints/create-endpoint";
import { createWebhook } from "@/lib/webhooks/create-webhook";
import { findWebhookDeliveries } from "@/lib/webhooks/find-webhooks";
import { redeliverWebhookDelivery, sendWebhookTestEvent } from "@/lib/webhooks/redeliver-webhook";
import { verifySignature } from "@/lib/webhooks/signature";
import { createUserWithWorkspace } from "../support/factories";
import { startFunctionsServer } from "../support/functions-server";
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

const settled = (id: string) =>
  until(
    async () => {
      const d = await db.webhookDelivery.findUnique({ where: { id } });
      return d && d.status !== "pending" ? d : null;
    },
    60_000,
    `delivery ${id} to settle`,
  );

describe("test events and redeliveries of outbound webhooks", () => {
  it("sends a signed webhook.test event through deliver-webhook, then redelivers it as a new delivery with the same event id and body", async () => {
    const { user, workspace } = await createUserWithWorkspace("redeliver");
    const actor = { userId: user.id };
    // The first attempt of the test event fails (retried by deliver-webhook); the redelivery is answered at once.
    const receiver = await startReceiver([500]);
    receivers.push(receiver);
    const { webhook, secret } = await createWebhook({
      workspaceId: workspace.id,
      actor,
      input: { direction: "outbound", name: "ci-notify", url: receiver.url },
    });

    const test = await sendWebhookTestEvent({ workspaceId: workspace.id, actor, webhookId: webhook.id });
    expect(test).toMatchObject({ eventType: "webhook.test", status: "pending", sequence: 0 });
    expect(await settled(test.id)).toMatchObject({ status: "delivered", attempts: 2, responseStatus: 200, error: null });
    expect(receiver.received).toHaveLength(2);
    const sent = receiver.received[1];
    expect(sent.headers["batchpoint-event-type"]).toBe("webhook.test");
    expect(sent.headers["batchpoint-event-id"]).toBe(test.eventId);
    expect(verifySignature({ secret, header: sent.headers["batchpoint-signature"] as string, body: sent.body })).toMatchObject({
      ok: true,
    });
    expect(JSON.parse(sent.body.toString("utf8"))).toEqual({
      id: test.eventId,
      type: "webhook.test",
      created_at: expect.any(Number),
      data: { webhook: { id: webhook.id, name: "ci-notify" }, message: expect.stringMatching(/test event/) },
    });

    const again = await redeliverWebhookDelivery({ workspaceId: workspace.id, actor, webhookId: webhook.id, deliveryId: test.id });
    expect(again).toMatchObject({ eventId: test.eventId, sequence: 1, status: "pending" });
    expect(again.id).not.toBe(test.id);
    expect(await settled(again.id)).toMatchObject({ status: "delivered", attempts: 1, responseStatus: 200, redeliveryOfId: test.id });
    expect(receiver.received).toHaveLength(3);
    const resent = receiver.received[2];
    expect(resent.body.equals(sent.body)).toBe(true);
    expect(resent.headers["batchpoint-event-id"]).toBe(test.eventId);
    expect(resent.headers["batchpoint-delivery-attempt"]).toBe("1");
    // Redelivering the redelivery numbers on from the same event and points at the first delivery.
    const third = await redeliverWebhookDelivery({ workspaceId: workspace.id, actor, webhookId: webhook.id, deliveryId: again.id });
    expect(third).toMatchObject({ eventId: test.eventId, sequence: 2 });
    await settled(third.id);

    // The first delivery keeps its own history.
    expect(await db.webhookDelivery.findUnique({ where: { id: test.id } })).toMatchObject({ attempts: 2, status: "delivered" });

    // Paged, newest first, each with the exact body sent.
    const page1 = await findWebhookDeliveries({ workspaceId: workspace.id, webhookId: webhook.id, perPage: 2 });
    expect(page1).toMatchObject({ count: 3, totalPages: 2, page: 1 });
    expect(page1.data.map((d) => d.sequence)).toEqual([2, 1]);
    expect(page1.data[0].body).toBe(sent.body.toString("utf8"));
    const page2 = await findWebhookDeliveries({ workspaceId: workspace.id, webhookId: webhook.id, perPage: 2, page: 2 });
    expect(page2.data.map((d) => d.id)).toEqual([test.id]);

    const audit = await db.auditEvent.findMany({
      where: { workspaceId: workspace.id, targetId: webhook.id, action: { in: ["webhook.test_sent", "webhook.redelivered"] } },
      orderBy: { createdAt: "asc" },
    });
    expect(audit.map((a) => [a.action, a.actorUserId, (a.metadata as { name: string }).name])).toEqual([
      ["webhook.test_sent", user.id, "ci-notify"],
      ["webhook.redelivered", user.id, "ci-notify"],
      ["webhook.redelivered", user.id, "ci-notify"],
    ]);
  });

  it("refuses another workspace's webhook or delivery, and inbound triggers, changing nothing", async () => {
    const a = await createUserWithWorkspace("tenant-a");
    const b = await createUserWithWorkspace("tenant-b");
    const receiver = await startReceiver([]);
    receivers.push(receiver);
    const { webhook } = await createWebhook({
      workspaceId: a.workspace.id,
      actor: { userId: a.user.id },
      input: { direction: "outbound", name: "a-hook", url: receiver.url },
    });
    const test = await sendWebhookTestEvent({ workspaceId: a.workspace.id, actor: { userId: a.user.id }, webhookId: webhook.id });
    await settled(test.id);
    const before = await db.webhookDelivery.count({ where: { webhookId: webhook.id } });

    await expect(
      sendWebhookTestEvent({ workspaceId: b.workspace.id, actor: { userId: b.user.id }, webhookId: webhook.id }),
    ).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
    await expect(
      redeliverWebhookDelivery({ workspaceId: b.workspace.id, actor: { userId: b.user.id }, webhookId: webhook.id, deliveryId: test.id }),
    ).rejects.toMatchObject({ code: "NOT_FOUND" });

    await createEndpoint({ workspaceId: a.workspace.id, actor: { userId: a.user.id }, input: { name: "scorer" } });
    const inbound = await createWebhook({
      workspaceId: a.workspace.id,
      actor: { userId: a.user.id },
      input: { direction: "inbound", name: "trigger", endpointName: "scorer" },
    });
    await expect(
      sendWebhookTestEvent({ workspaceId: a.workspace.id, actor: { userId: a.user.id }, webhookId: inbound.webhook.id }),
    ).rejects.toMatchObject({ code: "BAD_REQUEST", message: expect.stringMatching(/inbound trigger receives them/) });
    expect(await db.webhookDelivery.count({ where: { webhookId: webhook.id } })).toBe(before);
    expect(await db.webhookDelivery.count({ where: { webhookId: inbound.webhook.id } })).toBe(0);
    expect(receiver.received).toHaveLength(1);
  });
});
