import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as hook from "@/app/api/hooks/[webhookId]/route";
import * as redeliver from "@/app/api/v1/webhooks/[webhook]/deliveries/[delivery]/redeliver/route";
import * as deliveries from "@/app/api/v1/webhooks/[webhook]/deliveries/route";
import * as sendTest from "@/app/api/v1/webhooks/[webhook]/test/route";
import * as collection from "@/app/api/v1/webhooks/route";
import { createApiToken } from "@/lib/api-tokens/api-tokens";
import { db } from "@/lib/db";
import { createDeployment } from "@/lib/deployments/create-deployment";
import { createEndpoint } from "@/lib/endpoints/create-endpoint";
import { signPayload } from "@/lib/webhooks/signature";
import { createUserWithWorkspace } from "../support/factories";
import { startFunctionsServer } from "../support/functions-server";
import { serveRoutes, startReceiver, until } from "./helpers";

let functions: Awaited<ReturnType<typeof startFunctionsServer>>;
let api: Awaited<ReturnType<typeof serveRoutes>>;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
let a: Awaited<ReturnType<typeof createUserWithWorkspace>>;
const tokens: Record<"owner" | "contributor" | "scientist" | "otherOwner", { token: string; id: string }> = {} as never;
let outboundId = "";
let inbound = { id: "", secret: "" };

beforeAll(async () => {
  functions = await startFunctionsServer();
  receiver = await startReceiver([]);
  api = await serveRoutes([
    { pattern: /^\/api\/v1\/webhooks$/, params: () => ({}), methods: collection },
    { pattern: /^\/api\/v1\/webhooks\/([^/]+)\/test$/, params: (m) => ({ webhook: m[1] }), methods: sendTest },
    { pattern: /^\/api\/v1\/webhooks\/([^/]+)\/deliveries$/, params: (m) => ({ webhook: m[1] }), methods: deliveries },
    {
      pattern: /^\/api\/v1\/webhooks\/([^/]+)\/deliveries\/([^/]+)\/redeliver$/,
      params: (m) => ({ webhook: m[1], delivery: m[2] }),
      methods: redeliver,
    },
    { pattern: /^\/api\/hooks\/([^/]+)$/, params: (m) => ({ webhookId: m[1] }), methods: hook },
  ]);
  a = await createUserWithWorkspace("rest-actions-a");
  const b = await createUserWithWorkspace("rest-actions-b");
  const actor = { userId: a.user.id };
  await createEndpoint({ workspaceId: a.workspace.id, actor, input: { name: "scorer" } });
  await createDeployment({
    workspaceId: a.workspace.id,
    actor,
    endpointName: "scorer",
    input: { name: "blue", code: { files: { "score.py": "def init(): pass\ndef run(b): return b\n" } }, scoringScript: "score.py" },
  });
  for (const role of ["owner", "contributor", "scientist"] as const) {
    const t = await createApiToken({ workspaceId: a.workspace.id, actor, name: `${role}-token`, role });
    tokens[role] = { token: t.token, id: t.apiToken.id };
  }
  const other = await createApiToken({ workspaceId: b.workspace.id, actor: { userId: b.user.id }, name: "b", role: "owner" });
  tokens.otherOwner = { token: other.token, id: other.apiToken.id };
});
afterAll(async () => {
  await api?.close();
  await receiver?.close();
  await functions?.close();
});

async function call(method: string, path: string, token: string | null, body?: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${api.origin}${path}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body !== undefined ? { "content-type": "application/json" } : {}),
      ...headers,
    },
    body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, text, json: text ? JSON.parse(text) : null };
}

const settled = (id: string) =>
  until(
    async () => {
      const d = await db.webhookDelivery.findUnique({ where: { id } });
      return d && d.status !== "pending" ? d : null;
    },
    60_000,
    `delivery ${id} to settle`,
  );

describe("REST: test events and redeliveries", () => {
  it("sends a test event (202, pending), which the receiver gets signed, audited with the token", async () => {
    const created = await call("POST", "/api/v1/webhooks", tokens.owner.token, {
      direction: "outbound",
      name: "ci-notify",
      url: receiver.url,
    });
    expect(created.status, created.text).toBe(201);
    outboundId = created.json.id;

    const res = await call("POST", `/api/v1/webhooks/${outboundId}/test`, tokens.owner.token);
    expect(res.status, res.text).toBe(202);
    expect(res.json).toMatchObject({
      eventType: "webhook.test",
      status: "pending",
      sequence: 0,
      eventId: expect.stringMatching(/^evt_test_/),
    });
    expect(await settled(res.json.id)).toMatchObject({ status: "delivered", responseStatus: 200 });
    expect(receiver.received.at(-1)!.headers["batchpoint-event-id"]).toBe(res.json.eventId);
    const audit = await db.auditEvent.findFirst({ where: { workspaceId: a.workspace.id, action: "webhook.test_sent" } });
    expect(audit).toMatchObject({ actorTokenId: tokens.owner.id, targetId: outboundId });
  });

  it("redelivers a delivery as a new one with the same event id and bytes", async () => {
    const list = await call("GET", `/api/v1/webhooks/${outboundId}/deliveries`, tokens.owner.token);
    const first = list.json.data[0];
    const before = receiver.received.length;
    const res = await call("POST", `/api/v1/webhooks/${outboundId}/deliveries/${first.id}/redeliver`, tokens.owner.token, {});
    expect(res.status, res.text).toBe(202);
    expect(res.json).toMatchObject({ eventId: first.eventId, sequence: 1, status: "pending" });
    await settled(res.json.id);
    expect(receiver.received).toHaveLength(before + 1);
    expect(receiver.received.at(-1)!.body.toString("utf8")).toBe(first.body);
    expect(
      await db.auditEvent.count({ where: { workspaceId: a.workspace.id, action: "webhook.redelivered", actorTokenId: tokens.owner.id } }),
    ).toBe(1);
  });

  it("refuses unknown fields, other roles, other workspaces and inbound triggers, changing nothing", async () => {
    const count = () => db.webhookDelivery.count({ where: { webhookId: outboundId } });
    const before = await count();
    const list = await call("GET", `/api/v1/webhooks/${outboundId}/deliveries`, tokens.owner.token);
    const deliveryId = list.json.data[0].id;

    const unknown = await call("POST", `/api/v1/webhooks/${outboundId}/test`, tokens.owner.token, { message: "hi" });
    expect(unknown.status).toBe(400);
    expect(Object.keys(unknown.json.error.details.fieldErrors)).toEqual(["message"]);
    const unknownRe = await call("POST", `/api/v1/webhooks/${outboundId}/deliveries/${deliveryId}/redeliver`, tokens.owner.token, {
      force: true,
    });
    expect(unknownRe.status).toBe(400);
    expect(Object.keys(unknownRe.json.error.details.fieldErrors)).toEqual(["force"]);
    const notJson = await call("POST", `/api/v1/webhooks/${outboundId}/test`, tokens.owner.token, "{nope");
    expect(notJson.status).toBe(400);

    for (const role of ["contributor", "scientist"] as const) {
      const r = await call("POST", `/api/v1/webhooks/${outboundId}/test`, tokens[role].token);
      expect(r.status).toBe(403);
      expect(r.json.error.message).toContain("webhook:manage");
    }
    expect((await call("POST", `/api/v1/webhooks/${outboundId}/test`, null)).status).toBe(401);
    expect((await call("POST", `/api/v1/webhooks/${outboundId}/test`, tokens.otherOwner.token)).status).toBe(404);
    expect((await call("POST", `/api/v1/webhooks/${outboundId}/deliveries/${deliveryId}/redeliver`, tokens.otherOwner.token)).status).toBe(
      404,
    );
    const missing = await call("POST", `/api/v1/webhooks/${outboundId}/deliveries/nope/redeliver`, tokens.owner.token);
    expect(missing).toMatchObject({ status: 404, json: { error: { message: "Delivery was not found." } } });

    const trigger = await call("POST", "/api/v1/webhooks", tokens.owner.token, {
      direction: "inbound",
      name: "trigger",
      endpointName: "scorer",
    });
    inbound = { id: trigger.json.id, secret: trigger.json.secret };
    const onInbound = await call("POST", `/api/v1/webhooks/${inbound.id}/test`, tokens.owner.token);
    expect(onInbound.status).toBe(400);
    expect(onInbound.json.error.message).toMatch(/inbound trigger receives them/);
    expect(await count()).toBe(before);
    expect(await db.webhookDelivery.count({ where: { webhookId: inbound.id } })).toBe(0);
  });
});

describe("inbound deliveries keep their request", () => {
  const post = (raw: string, headers: Record<string, string>) =>
    fetch(`${api.origin}/api/hooks/${inbound.id}`, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body: raw,
    });

  it("stores the signed body with secrets masked and allowlisted headers, and lists it over REST", async () => {
    const raw = JSON.stringify({
      input: { type: "uri_folder", path: "datastores/workspaceblobstore/paths/in/" },
      environmentVariables: { TOKEN_FOR_MODEL: "tok-very-secret" },
    });
    const signature = signPayload({ secret: inbound.secret, body: raw });
    const res = await post(raw, { "batchpoint-signature": signature, "batchpoint-event-id": "evt-body-1", "user-agent": "pipeline/1.0" });
    expect(res.status, await res.text()).toBe(202);
    const row = await db.webhookDelivery.findFirstOrThrow({ where: { webhookId: inbound.id, eventId: "evt-body-1" } });
    expect(row.requestBytes).toBe(Buffer.byteLength(raw));
    expect(JSON.parse(row.requestBody!)).toEqual({
      input: { type: "uri_folder", path: "datastores/workspaceblobstore/paths/in/" },
      environmentVariables: { TOKEN_FOR_MODEL: "********" },
    });
    expect(row.requestHeaders).toEqual({
      "content-type": "application/json",
      "content-length": String(Buffer.byteLength(raw)),
      "user-agent": "pipeline/1.0",
      "batchpoint-event-id": "evt-body-1",
    });
    const list = await call("GET", `/api/v1/webhooks/${inbound.id}/deliveries`, tokens.contributor.token);
    const listed = list.json.data.find((d: { eventId: string }) => d.eventId === "evt-body-1");
    expect(listed).toMatchObject({ body: row.requestBody, bodyBytes: row.requestBytes, requestHeaders: row.requestHeaders });
    expect(list.text).not.toContain("tok-very-secret");
    expect(list.text).not.toContain(signature.split("v1=")[1]);
  });

  it("keeps only the first 4 KiB of a rejected request, and no signature", async () => {
    const raw = JSON.stringify({ input: { type: "uri_folder", path: "x/" }, pad: "p".repeat(10_000) });
    const res = await post(raw, { "batchpoint-signature": "t=1,v1=00", "batchpoint-event-id": "evt-bad" });
    expect(res.status).toBe(401);
    const row = await db.webhookDelivery.findFirstOrThrow({
      where: { webhookId: inbound.id, status: "rejected" },
      orderBy: { createdAt: "desc" },
    });
    expect(row.requestBytes).toBe(raw.length);
    expect(row.requestBody!.length).toBe(4096);
    expect(JSON.stringify(row.requestHeaders)).not.toContain("v1=00");
  });
});
