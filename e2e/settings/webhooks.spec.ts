import { createHmac } from "node:crypto";
import { expect, test } from "../support/test";
import { signUp } from "../support/fixtures";

test("an owner adds an inbound trigger, sees its secret once, and the rejected delivery of a bad signature", async ({ page, request }) => {
  const { slug } = await signUp(page, "hooks");
  await page.goto(`/w/${slug}/endpoints/new`);
  await page.getByLabel("Name").fill("hooked");
  await page.getByRole("button", { name: "Create endpoint" }).click();
  await page.waitForURL(new RegExp(`/w/${slug}/endpoints$`));

  await page.goto(`/w/${slug}/settings/webhooks`);
  await page.getByLabel("Direction").selectOption("inbound");
  await page.getByLabel("Name").fill("nightly-trigger");
  await page.getByRole("button", { name: "Create webhook" }).click();
  const url = (await page.getByLabel("Trigger URL").textContent())!.trim();
  const secret = (await page.getByLabel("Webhook secret").textContent())!.trim();
  expect(url).toMatch(/\/api\/hooks\//);
  expect(secret.length).toBeGreaterThan(20);

  const body = JSON.stringify({ input: { type: "uri_folder", path: "datastores/workspaceblobstore/paths/none/" } });
  const t = Math.floor(Date.now() / 1000);
  const bad = createHmac("sha256", "not-the-secret").update(`${t}.${body}`).digest("hex");
  const res = await request.post(new URL(url).pathname, {
    headers: { "content-type": "application/json", "Batchpoint-Signature": `t=${t},v1=${bad}` },
    data: body,
  });
  expect(res.status()).toBe(401);
  expect(await res.text()).not.toContain(secret);

  await page.reload();
  await expect(page.getByText(secret)).toHaveCount(0);
  await page.getByRole("link", { name: "nightly-trigger" }).click();
  await expect(page.getByRole("table", { name: "Deliveries" })).toContainText("rejected");
});

test("an outbound webhook needs a URL and at least one event", async ({ page }) => {
  const { slug } = await signUp(page, "outbound");
  await page.goto(`/w/${slug}/settings/webhooks`);
  await page.getByLabel("Name").fill("notifier");
  await page.getByLabel("URL").fill("not a url");
  for (const ev of ["job.completed", "job.failed", "job.canceled"]) await page.getByLabel(ev).uncheck();
  await page.getByRole("button", { name: "Create webhook" }).click();
  await expect(page.getByText("Give an http(s) URL to deliver job events to.")).toBeVisible();
  await expect(page.getByText("Subscribe to at least one event.")).toBeVisible();
  // Not the cloud metadata service, nor anything else private, from a tenant's webhook.
  await page.getByLabel("URL").fill("http://169.254.169.254/latest/meta-data/");
  await page.getByLabel("job.failed").check();
  await page.getByRole("button", { name: "Create webhook" }).click();
  await expect(page.getByText(/169\.254\.169\.254 is a link-local .* address: job events go to public addresses only/)).toBeVisible();
  await page.getByLabel("URL").fill("https://example.com/hooks");
  await page.getByRole("button", { name: "Create webhook" }).click();
  await expect(page.getByLabel("Webhook secret")).toBeVisible();
  await expect(page.getByRole("row", { name: /notifier/ })).toContainText("job.failed");
});
