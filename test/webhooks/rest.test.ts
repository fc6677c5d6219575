import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as hook from "@/app/api/hooks/[webhookId]/route";
import * as deliveries from "@/app/api/v1/webhooks/[webhook]/deliveries/route";
import * as one from "@/app/api/v1/webhooks/[webhook]/route";
import * as collection from "@/app/api/v1/webhooks/route";
import { createApiToken } from "@/lib/api-tokens/api-tokens";
import { createDeployment } from "@/lib/deployments/create-deployment";
import { createEndpoint } from "@/lib/endpoints/create-endpoint";
import { signPayload } from "@/lib/webhooks/signature";
import { createUserWithWorkspace } from "../support/factories";
import { serveRoutes } from "./helpers";

let api: Awaited<ReturnType<typeof serveRoutes>>;
const tokens: Record<"owner" | "contributor" | "scientist" | "otherOwner", string> = {} as never;

beforeAll(async () => {
  api = await serveRoutes([
    { pattern: /^\/api\/v1\/webhooks$/, params: () => ({}), methods: collection },
    { pattern: /^\/api\/v1\/webhooks\/([^/]+)$/, params: (m) => ({ webhook: m[1] }), methods: one },
    { pattern: /^\/api\/v1\/webhooks\/([^/]+)\/deliveries$/, params: (m) => ({ webhook: m[1] }), methods: deliveries },
    { pattern: /^\/api\/hooks\/([^/]+)$/, params: (m) => ({ webhookId: m[1] }), methods: hook },
  ]);
  const a = await createUserWithWorkspace("rest-a");
  const b = await createUserWithWorkspace("rest-b");
  const actor = { userId: a.user.id };
  await createEndpoint({ workspaceId: a.workspace.id, actor, input: { name: "scorer" } });
  await createDeployment({
    workspaceId: a.workspace.id,
    actor,
    endpointName: "scorer",
    input: { name: "blue", code: { files: { "score.py": "def init(): pass\ndef run(b): return b\n" } }, scoringScript: "score.py" },
  });
  for (const role of ["owner", "contributor", "scientist"] as const)
    tokens[role] = (await createApiToken({ workspaceId: a.workspace.id, actor, name: role, role })).token;
  tokens.otherOwner = (await createApiToken({ workspaceId: b.workspace.id, actor: { userId: b.user.id }, name: "b", role: "owner" })).token;
});
afterAll(async () => api?.close());

async function call(method: string, path: string, token: string | null, body?: unknown) {
  const res = await fetch(`${api.origin}${path}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body !== undefined ? { "content-type": "application/json" } : {}),
    },
    body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, text, json: text ? JSON.parse(text) : null };
}

describe("REST /api/v1/webhooks", () => {
  let inbound: { id: string; secret: string; hookUrl: string };
  let outboundId: string;

  it("creates an inbound trigger: the secret and the URL once, the secret never again", async () => {
    const res = await call("POST", "/api/v1/webhooks", tokens.owner, {
      direction: "inbound",
      name: "on-upload",
      endpointName: "scorer",
      deploymentName: "blue",
      template: { miniBatchSize: 4, inputs: { threshold: { type: "number", value: 0.5 } } },
    });
    expect(res.status).toBe(201);
    expect(res.json).toMatchObject({
      direction: "inbound",
      name: "on-upload",
      endpointName: "scorer",
      deploymentName: "blue",
      secret: expect.stringMatching(/^whsec_/),
      hookUrl: `${api.origin}/api/hooks/${res.json.id}`,
    });
    expect(res.text).not.toContain("secretCiphertext");
    inbound = res.json;

    const list = await call("GET", "/api/v1/webhooks", tokens.owner);
    const got = await call("GET", `/api/v1/webhooks/${inbound.id}`, tokens.owner);
    expect(got.json).toMatchObject({ id: inbound.id, hookUrl: inbound.hookUrl, template: { miniBatchSize: 4 } });
    for (const r of [list, got]) {
      expect(r.status).toBe(200);
      expect(r.text).not.toContain(inbound.secret);
      expect(r.text).not.toMatch(/whsec_|secretCiphertext/);
    }
  });

  it("creates an outbound subscription for job events, all three by default", async () => {
    const res = await call("POST", "/api/v1/webhooks", tokens.owner, {
      direction: "outbound",
      name: "notify-ci",
      url: "https://ci.example.test/hooks/batchpoint",
    });
    expect(res.status).toBe(201);
    expect(res.json).toMatchObject({
      direction: "outbound",
      url: "https://ci.example.test/hooks/batchpoint",
      events: ["job.completed", "job.failed", "job.canceled"],
      hookUrl: null,
      secret: expect.stringMatching(/^whsec_/),
    });
    outboundId = res.json.id;
    const list = await call("GET", "/api/v1/webhooks?direction=outbound", tokens.owner);
    expect(list.json).toMatchObject({ count: 1, data: [{ id: outboundId }] });
  });

  it("answers bad input with 400 and field errors, an unknown endpoint with 404, a taken name with 409", async () => {
    const bad = await call("POST", "/api/v1/webhooks", tokens.owner, {
      direction: "inbound",
      name: "bad-template",
      endpointName: "scorer",
      template: { miniBatchSize: 0, idempotencyKey: "x" },
    });
    expect(bad.status).toBe(400);
    expect(Object.keys(bad.json.error.details.fieldErrors).sort()).toEqual(["template.idempotencyKey", "template.miniBatchSize"]);
    const badUrl = await call("POST", "/api/v1/webhooks", tokens.owner, {
      direction: "outbound",
      name: "bad-url",
      url: "ftp://x",
      events: ["job.done"],
    });
    expect(badUrl.status).toBe(400);
    expect(Object.keys(badUrl.json.error.details.fieldErrors).sort()).toEqual(["events.0", "url"]);
    expect((await call("POST", "/api/v1/webhooks", tokens.owner, "{not json")).status).toBe(400);
    const missing = await call("POST", "/api/v1/webhooks", tokens.owner, { direction: "inbound", name: "nowhere", endpointName: "nope" });
    expect(missing.status).toBe(404);
    const taken = await call("POST", "/api/v1/webhooks", tokens.owner, {
      direction: "outbound",
      name: "notify-ci",
      url: "https://x.example.test/",
    });
    expect(taken.status).toBe(409);
  });

  it("limits by role: contributors read, only owners write, scientists neither; no token is 401", async () => {
    expect((await call("GET", "/api/v1/webhooks", tokens.contributor)).status).toBe(200);
    expect(
      (
        await call("POST", "/api/v1/webhooks", tokens.contributor, {
          direction: "outbound",
          name: "sneaky",
          url: "https://x.example.test/",
        })
      ).status,
    ).toBe(403);
    expect((await call("DELETE", `/api/v1/webhooks/${outboundId}`, tokens.contributor)).status).toBe(403);
    expect((await call("GET", "/api/v1/webhooks", tokens.scientist)).status).toBe(403);
    expect((await call("GET", "/api/v1/webhooks", null)).status).toBe(401);
  });

  it("shows an inbound webhook's deliveries, including rejected ones", async () => {
    const body = JSON.stringify({ input: { type: "uri_file", path: "datastores/workspaceblobstore/paths/x.csv" } });
    const res = await fetch(`${api.origin}/api/hooks/${inbound.id}`, {
      method: "POST",
      headers: { "batchpoint-signature": signPayload({ secret: "whsec_wrong", body }) },
      body,
    });
    expect(res.status).toBe(401);
    const page = await call("GET", `/api/v1/webhooks/${inbound.id}/deliveries`, tokens.owner);
    expect(page.status).toBe(200);
    expect(page.json).toMatchObject({ count: 1, data: [{ status: "rejected", responseStatus: 401, jobId: null }] });
    expect((await call("GET", `/api/v1/webhooks/${inbound.id}/deliveries?status=accepted`, tokens.owner)).json.count).toBe(0);
  });

  it("hides every webhook route's resources from another workspace's token (404) and lists none", async () => {
    for (const [method, path] of [
      ["GET", `/api/v1/webhooks/${inbound.id}`],
      ["GET", `/api/v1/webhooks/${inbound.id}/deliveries`],
      ["DELETE", `/api/v1/webhooks/${inbound.id}`],
      ["DELETE", `/api/v1/webhooks/${outboundId}`],
    ]) {
      const res = await call(method, path, tokens.otherOwner);
      expect([method, path, res.status, res.json?.error?.code]).toEqual([method, path, 404, "NOT_FOUND"]);
    }
    expect((await call("GET", "/api/v1/webhooks", tokens.otherOwner)).json).toMatchObject({ count: 0, data: [] });
    expect(
      (await call("POST", "/api/v1/webhooks", tokens.otherOwner, { direction: "inbound", name: "steal", endpointName: "scorer" })).status,
    ).toBe(404);
    expect((await call("GET", `/api/v1/webhooks/${inbound.id}`, tokens.owner)).status).toBe(200);
  });

  it("deletes a webhook: 204, then 404, and its inbound URL stops answering", async () => {
    expect((await call("DELETE", `/api/v1/webhooks/${inbound.id}`, tokens.owner)).status).toBe(204);
    expect((await call("GET", `/api/v1/webhooks/${inbound.id}`, tokens.owner)).status).toBe(404);
    expect((await call("DELETE", `/api/v1/webhooks/${inbound.id}`, tokens.owner)).status).toBe(404);
    const body = "{}";
    const res = await fetch(`${api.origin}/api/hooks/${inbound.id}`, {
      method: "POST",
      headers: { "batchpoint-signature": signPayload({ secret: inbound.secret, body }) },
      body,
    });
    expect(res.status).toBe(404);
  });
});
