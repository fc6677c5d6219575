import { expect, test } from "../support/test";
import { auth } from "../support/api";
import { expectAccessible } from "../support/axe";
import { createToken, signUp } from "../support/fixtures";

test("the audit log filters by actor, action, resource and days in the URL, names the token as actor and links what each entry acted on", async ({
  page,
  request,
}) => {
  const { slug, email } = await signUp(page, "audit");
  const token = await createToken(page, slug, "nightly-ci", "owner");
  expect((await request.post("/api/v1/endpoints", { headers: auth(token), data: { name: "from-ci" } })).status()).toBe(201);
  expect((await request.post("/api/v1/endpoints", { headers: auth(token), data: { name: "short-lived" } })).status()).toBe(201);
  expect((await request.delete("/api/v1/endpoints/short-lived", { headers: auth(token) })).status()).toBeLessThan(300);
  await page.goto(`/w/${slug}/endpoints/new`);
  await page.getByLabel("Name").fill("by-hand");
  await page.getByRole("button", { name: "Create endpoint" }).click();
  await page.waitForURL(new RegExp(`/w/${slug}/endpoints$`));

  await page.goto(`/w/${slug}/settings/audit`);
  const table = page.getByRole("table", { name: "Audit log" });
  const fromCi = table.getByRole("row", { name: /Created the endpoint from-ci/ });
  await expect(fromCi).toContainText("token nightly-ci");
  await expect(fromCi.getByRole("link", { name: "from-ci" })).toHaveAttribute("href", `/w/${slug}/endpoints/from-ci`);
  // A deleted endpoint is still named, without a link.
  const deleted = table.getByRole("row", { name: /Deleted the endpoint short-lived/ });
  await expect(deleted).toContainText("(no longer exists)");
  await expect(deleted.getByRole("link")).toHaveCount(0);
  await expect(table.getByRole("row", { name: /Created the API token nightly-ci/ })).toContainText(email);
  await expect(table).not.toContainText("{");
  await expectAccessible(page, "audit log");

  await page.getByLabel("Actor").selectOption({ label: "token nightly-ci" });
  await page.getByRole("button", { name: "Apply filters" }).click();
  await expect(page).toHaveURL(/actor=token%3A/);
  await expect(table.getByRole("row")).toHaveCount(1 + 3);
  await expect(table).not.toContainText("by-hand");

  await page.getByLabel("Action").selectOption("endpoint.deleted");
  await page.getByRole("button", { name: "Apply filters" }).click();
  await expect(page).toHaveURL(/action=endpoint\.deleted/);
  await expect(table.getByRole("row")).toHaveCount(1 + 1);

  // The URL alone reproduces a view: resource filter, and a day range with nothing in it.
  await page.goto(`/w/${slug}/settings/audit?resource=api_token`);
  await expect(page.getByLabel("Resource")).toHaveValue("api_token");
  await expect(table.getByRole("row")).toHaveCount(1 + 1);
  await expect(table).toContainText("Created the API token");
  await page.goto(`/w/${slug}/settings/audit?from=2001-01-01&to=2001-01-31`);
  await expect(page.getByText("No entries match these filters")).toBeVisible();
  await page.getByRole("link", { name: "Clear filters" }).click();
  await expect(page).toHaveURL(new RegExp(`/w/${slug}/settings/audit$`));
  await expect(table.getByRole("row", { name: /by-hand/ })).toContainText(email);
});
