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

test("a job over a blob URL with a SAS token shows the URL with the token masked, and never the signature", async ({ page }) => {
  const { slug } = await signUp(page, "sas-page");
  const { job } = await seedResources(slug);
  const signature = "Zm9yZ2VkLXNpZ25hdHVyZS1vZi10aGUtc2Fz%3D";
  const url = `https://acct01.blob.core.windows.net/claims/2026/?sv=2024-11-04&sp=rl&se=2030-01-01T00%3A00%3A00Z&sig=${signature}`;
  await sql(`UPDATE "Job" SET inputs = jsonb_set(inputs::jsonb, '{data,path}', to_jsonb($2::text)), "outputPath" = $3 WHERE name = $1`, [
    job,
    url,
    `https://acct01.blob.core.windows.net/results/?sv=2024-11-04&sp=racwl&sig=${signature}`,
  ]);

  await page.goto(`/w/${slug}/jobs/${job}`);
  await expect(
    page.getByText("https://acct01.blob.core.windows.net/claims/2026/?sv=********&sp=********&se=********&sig=********"),
  ).toBeVisible();
  const html = await page.content();
  expect(html).not.toContain(signature);
  expect(html).not.toContain(decodeURIComponent(signature));
});
