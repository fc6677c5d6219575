import { createHmac, randomBytes } from "node:crypto";
import { expect, test } from "../support/test";
import { auth, SCORE_PY, seedEndpoint } from "../support/api";
import { expectAccessible } from "../support/axe";
import { seedToken, signUp, sql } from "../support/fixtures";

test("an owner sends a test event, opens the delivery's payload, redelivers it, and pages through deliveries", async ({ page }) => {
  const { slug } = await signUp(page, "deliveries");
  await page.goto(`/w/${slug}/settings/webhooks`);
  await page.getByLabel("Name").fill("notifier");
  await page.getByLabel("URL").fill("https://example.com/hooks");
  await page.getByRole("button", { name: "Create webhook" }).click();
  await expect(page.getByLabel("Webhook secret")).toBeVisible();
  // This machine has no internet: point the webhook at a closed local port, which every delivery refuses
  // at once (private addresses are never reached), so each delivery ends with a visible, stable outcome.
  await sql(
    `UPDATE "Webhook" SET url = 'http://127.0.0.1:9/hooks' WHERE name = 'notifier' AND "workspaceId" = (SELECT id FROM "Workspace" WHERE slug = $1)`,
    [slug],
  );
  await page.getByRole("link", { name: "notifier" }).click();
  await expect(page.getByText("No deliveries yet")).toBeVisible();

  await page.getByRole("button", { name: "Send test event" }).click();
  await expect(page.getByText("Test event sent")).toBeVisible();
  const table = page.getByRole("table", { name: "Deliveries" });
  const first = table.getByRole("row", { name: /webhook\.test/ });
  await expect(first).toContainText("failed");
  await expect(first).toContainText("Not sent: 127.0.0.1 is a loopback (this machine) address");

  await first.getByRole("button", { name: /^View delivery webhook\.test/ }).click();
  const dialog = page.getByRole("dialog", { name: "Delivery of webhook.test" });
  await expect(dialog).toBeVisible();
  await expectAccessible(page, "delivery payload dialog");
  const payload = dialog.getByLabel("Payload");
  await expect(payload).toContainText('"type": "webhook.test"');
  await expect(payload).toContainText('"name": "notifier"');
  const eventId = (await payload.textContent())!.match(/evt_test_[0-9a-f]+/)![0];
  await dialog.getByRole("button", { name: "Close" }).click();
  await expect(dialog).toBeHidden();

  await first.getByRole("button", { name: /^Redeliver webhook\.test/ }).click();
  await expect(page.getByText("Sent again")).toBeVisible();
  await expect(table.getByRole("row", { name: /redelivery 1/ })).toContainText("failed");
  await expect(table.getByRole("row", { name: new RegExp(eventId) })).toHaveCount(2);

  // Deliveries are paged on the server: 25 more make two pages of 20.
  const [hook] = await sql<{ id: string; workspaceId: string }>(
    `SELECT id, "workspaceId" FROM "Webhook" WHERE name = 'notifier' AND "workspaceId" = (SELECT id FROM "Workspace" WHERE slug = $1)`,
    [slug],
  );
  for (let i = 0; i < 25; i++) {
    await sql(
      `INSERT INTO "WebhookDelivery" (id, "workspaceId", "webhookId", "eventId", "eventType", status, attempts, "createdAt", "updatedAt")
       VALUES ($1, $2, $3, $4, 'job.completed', 'delivered', 1, now() - interval '1 day' - ($5 || ' minutes')::interval, now())`,
      [`d${randomBytes(10).toString("hex")}`, hook.workspaceId, hook.id, `evt_old_${i}`, String(i)],
    );
  }
  await page.reload();
  await expect(page.getByText("1–20 of 27")).toBeVisible();
  await page.getByRole("link", { name: "Page 2" }).click();
  await expect(page).toHaveURL(/page=2/);
  await expect(page.getByText("21–27 of 27")).toBeVisible();
  await expect(table.getByRole("row", { name: /evt_old_24/ })).toBeVisible();
  await expectAccessible(page, "webhook deliveries");
});

test("the inbound form picks the deployment from the chosen endpoint's list", async ({ page, request }) => {
  const { slug } = await signUp(page, "inbound-pick");
  const token = await seedToken(slug, "owner");
  await seedEndpoint(request, token, "fraud", "blue");
  const green = await request.post("/api/v1/endpoints/fraud/deployments", {
    headers: auth(token),
    data: {
      name: "green",
      runtime: "python",
      interpreter: "/usr/bin/python3",
      code: { files: { "score.py": SCORE_PY } },
      scoringScript: "score.py",
    },
  });
  expect(green.status(), await green.text()).toBe(201);
  await seedEndpoint(request, token, "churn", "main");

  await page.goto(`/w/${slug}/settings/webhooks`);
  await page.getByLabel("Direction").selectOption("inbound");
  await page.getByLabel("Name").fill("nightly");
  await page.getByLabel("Endpoint").selectOption("fraud");
  const deployment = page.getByLabel("Deployment");
  await expect(deployment.getByRole("option")).toHaveText(["The endpoint's default (now blue)", "blue", "green"]);
  await page.getByLabel("Endpoint").selectOption("churn");
  await expect(deployment.getByRole("option")).toHaveText(["The endpoint's default (now main)", "main"]);
  await page.getByLabel("Endpoint").selectOption("fraud");
  await deployment.selectOption("green");
  await page.getByRole("button", { name: "Create webhook" }).click();
  await expect(page.getByLabel("Trigger URL")).toBeVisible();
  await expect(page.getByRole("row", { name: /nightly/ })).toContainText("endpoint fraud / green");
});

test("an inbound delivery keeps the request it received, with secrets masked and no signature header", async ({ page, request }) => {
  const { slug } = await signUp(page, "inbound-body");
  const token = await seedToken(slug, "owner");
  await seedEndpoint(request, token, "nightly", "blue");
  const created = await request.post("/api/v1/webhooks", {
    headers: auth(token),
    data: { direction: "inbound", name: "on-upload", endpointName: "nightly" },
  });
  expect(created.status(), await created.text()).toBe(201);
  const { hookPath, secret } = (await created.json()) as { hookPath: string; secret: string };

  const body = JSON.stringify({
    input: { type: "uri_folder", path: "datastores/workspaceblobstore/paths/incoming/2026-12-01/" },
    displayName: "nightly upload",
    environmentVariables: { SCORING_API_KEY: "sk-live-TOPSECRET-42" },
  });
  const t = Math.floor(Date.now() / 1000);
  const signature = `t=${t},v1=${createHmac("sha256", secret).update(`${t}.${body}`).digest("hex")}`;
  const res = await request.post(hookPath, {
    headers: { "content-type": "application/json", "batchpoint-signature": signature, "batchpoint-event-id": "upload-2026-12-01" },
    data: body,
  });
  expect(res.status(), await res.text()).toBe(202);

  await page.goto(`/w/${slug}/settings/webhooks`);
  await page.getByRole("link", { name: "on-upload" }).click();
  const row = page.getByRole("table", { name: "Deliveries" }).getByRole("row", { name: /upload-2026-12-01/ });
  await expect(row).toContainText("accepted");
  await row.getByRole("button", { name: /^View delivery job\.invoke/ }).click();
  const dialog = page.getByRole("dialog", { name: "Delivery of job.invoke" });
  const received = dialog.getByLabel("Request body");
  await expect(received).toContainText('"path": "datastores/workspaceblobstore/paths/incoming/2026-12-01/"');
  await expect(received).toContainText('"displayName": "nightly upload"');
  await expect(received).toContainText('"SCORING_API_KEY": "********"');
  await expect(dialog).toContainText("content-type");
  await expect(dialog).toContainText("upload-2026-12-01");
  await expect(dialog).toContainText("Signatures and secrets are never stored.");
  // Neither the variable's value nor the signature reaches the page (nor, so, the database row behind it).
  const html = await page.content();
  expect(html).not.toContain("sk-live-TOPSECRET-42");
  expect(html).not.toContain(signature.split("v1=")[1]);
  expect(html).not.toContain(secret);
  await expectAccessible(page, "inbound delivery dialog");
});

test("at tablet width the deliveries table fits without scrolling sideways, its actions in reach", async ({ page }) => {
  await page.setViewportSize({ width: 820, height: 1180 });
  const { slug } = await signUp(page, "deliveries-tablet");
  await page.goto(`/w/${slug}/settings/webhooks`);
  await page.getByLabel("Name").fill("ci-notifier");
  await page.getByLabel("URL").fill("https://example.com/hooks");
  await page.getByRole("button", { name: "Create webhook" }).click();
  await expect(page.getByLabel("Webhook secret")).toBeVisible();
  await sql(
    `UPDATE "Webhook" SET url = 'http://127.0.0.1:9/hooks' WHERE name = 'ci-notifier' AND "workspaceId" = (SELECT id FROM "Workspace" WHERE slug = $1)`,
    [slug],
  );
  await page.getByRole("link", { name: "ci-notifier" }).click();
  await page.getByRole("button", { name: "Send test event" }).click();
  const table = page.getByRole("table", { name: "Deliveries" });
  const row = table.getByRole("row", { name: /webhook\.test/ });
  await expect(row).toContainText("failed");

  const region = page.getByRole("region", { name: "Deliveries table" });
  const { scrollWidth, clientWidth } = await region.evaluate((el) => ({ scrollWidth: el.scrollWidth, clientWidth: el.clientWidth }));
  expect(scrollWidth, "the table is wider than its card").toBeLessThanOrEqual(clientWidth);
  const box = (await region.boundingBox())!;
  for (const name of [/^View delivery/, /^Redeliver/]) {
    const button = (await row.getByRole("button", { name }).boundingBox())!;
    expect(button.x).toBeGreaterThanOrEqual(box.x);
    expect(button.x + button.width, `${name} is cut off at the card's right edge`).toBeLessThanOrEqual(box.x + box.width);
  }
});
