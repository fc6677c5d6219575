import { expect, test } from "../support/test";
import { seedResources, signUp, sql } from "../support/fixtures";

test("a job whose stored snapshot was hand-edited names the unreadable field instead of failing the page", async ({ page }) => {
  const { slug } = await signUp(page, "unreadable");
  const { job } = await seedResources(slug);
  await sql(`UPDATE "Job" SET inputs = jsonb_set(inputs::jsonb, '{data,path}', '42') WHERE name = $1`, [job]);

  const response = await page.goto(`/w/${slug}/jobs/${job}`);
  expect(response?.status()).toBe(200);
  const alert = page.getByRole("alert").filter({ hasText: "stored snapshot cannot be read" });
  await expect(alert).toBeVisible();
  await expect(alert).toContainText("inputs.data.path");
  await expect(alert).toContainText("expected string, received number");
  await expect(page.getByRole("heading", { name: "Something went wrong" })).toHaveCount(0);
  await expect(page.getByRole("link", { name: "Back to jobs" })).toHaveAttribute("href", `/w/${slug}/jobs`);
});
