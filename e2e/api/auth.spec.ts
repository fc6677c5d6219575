import { expect, test } from "@playwright/test";
import { E2E_ADMIN_TOKEN } from "../../playwright.config";

test("requests without a valid bearer token get 401 with a JSON error that says what to send", async ({ request }) => {
  const none = await request.get("/api/v1/workspace");
  expect(none.status()).toBe(401);
  expect((await none.json()).error).toMatchObject({ code: "UNAUTHENTICATED", message: expect.stringContaining("Authorization: Bearer") });
  const bogus = await request.get("/api/v1/workspace", { headers: { authorization: "Bearer bp_not_a_real_token_at_all_000" } });
  expect(bogus.status()).toBe(401);
});

test("BATCHPOINT_ADMIN_TOKEN is an owner token of workspace 'default'", async ({ request }) => {
  const res = await request.get("/api/v1/workspace", { headers: { authorization: `Bearer ${E2E_ADMIN_TOKEN}` } });
  expect(res.status()).toBe(200);
  expect(await res.json()).toMatchObject({ workspace: { slug: "default" }, role: "owner" });
});

test("a token's role bounds what it may read: the audit log is for owners", async ({ request }) => {
  const owner = await request.get("/api/v1/audit-events", { headers: { authorization: `Bearer ${E2E_ADMIN_TOKEN}` } });
  expect(owner.status()).toBe(200);
  expect((await owner.json()).data.some((e: { action: string }) => e.action === "workspace.created")).toBe(true);
});

test("pagination parameters out of range fall back to defaults instead of failing", async ({ request }) => {
  const res = await request.get("/api/v1/jobs?page=-3&perPage=abc", { headers: { authorization: `Bearer ${E2E_ADMIN_TOKEN}` } });
  expect(res.status()).toBe(200);
  expect(await res.json()).toMatchObject({ page: 1, perPage: 20 });
});
