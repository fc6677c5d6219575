import { expect, test } from "../support/test";
import { createToken, signUp } from "../support/fixtures";

test("an owner creates a token, uses it on the API, and revokes it", async ({ page, request }) => {
  const { slug } = await signUp(page, "tokens");
  const token = await createToken(page, slug, "nightly-pipeline", "scientist");
  await expect(page.getByText("it will not be shown again")).toBeVisible();

  const ok = await request.get("/api/v1/workspace", { headers: { authorization: `Bearer ${token}` } });
  expect(ok.status()).toBe(200);
  expect(await ok.json()).toMatchObject({ workspace: { slug }, role: "scientist" });

  await page.reload();
  const row = page.getByRole("row", { name: /nightly-pipeline/ });
  await expect(row).toContainText("scientist");
  await expect(row).not.toContainText(token);
  await expect(row).toContainText("in 90 days"); // the default expiry
  await expect(row.getByRole("cell").nth(4)).not.toContainText("never"); // last use was recorded

  await row.getByRole("button", { name: "Revoke nightly-pipeline" }).click();
  await page.getByRole("dialog", { name: "Revoke the token nightly-pipeline?" }).getByRole("button", { name: "Revoke token" }).click();
  await expect(page.getByText("Token revoked")).toBeVisible();
  await expect(page.getByRole("table", { name: "API tokens", exact: true }).getByRole("row", { name: /nightly-pipeline/ })).toHaveCount(0);
  // Revoked tokens stay listed, marked as revoked.
  await expect(page.getByRole("table", { name: "Revoked tokens" }).getByRole("row", { name: /nightly-pipeline/ })).toContainText("revoked");

  const revoked = await request.get("/api/v1/workspace", { headers: { authorization: `Bearer ${token}` } });
  expect(revoked.status()).toBe(401);
  expect((await revoked.json()).error.code).toBe("UNAUTHENTICATED");
});

test("a token without a name is refused with a field error", async ({ page }) => {
  const { slug } = await signUp(page, "noname");
  await page.goto(`/w/${slug}/settings/tokens`);
  await page.getByRole("button", { name: "Create token" }).click();
  await expect(page.getByText("Give the token a name")).toBeVisible();
  await expect(page.getByRole("table", { name: "API tokens" })).toHaveCount(0);
});
