import { randomBytes } from "node:crypto";
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
