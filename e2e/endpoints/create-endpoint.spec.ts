import { expect, test } from "../support/test";
import { signUp } from "../support/fixtures";

test("a contributor creates an endpoint; bad and duplicate names get field errors and create nothing", async ({ page }) => {
  const { slug } = await signUp(page, "endpoints");
  await page.getByRole("link", { name: "New endpoint" }).first().click();
  // The list's "Filter endpoints by name" also answers to the label "Name": wait for the form's page, or a
  // slow navigation leaves the fill below typing into the list's filter (CI at load 17 did).
  await page.waitForURL(new RegExp(`/w/${slug}/endpoints/new$`));

  await page.getByLabel("Name").fill("1-bad name");
  await page.getByRole("button", { name: "Create endpoint" }).click();
  await expect(page.getByText("Use 3-32 characters: letters, digits and dashes, starting with a letter.")).toBeVisible();

  await page.getByLabel("Name").fill("fraud-scorer");
  await page.getByLabel("Description").fill("Scores card transactions");
  await page.getByLabel("Tags").fill("team=fraud, tier=gold");
  await page.getByRole("button", { name: "Create endpoint" }).click();
  await page.waitForURL(new RegExp(`/w/${slug}/endpoints$`));
  const row = page.getByRole("row", { name: /fraud-scorer/ });
  await expect(row).toContainText("team: fraud");
  await expect(row).toContainText("none"); // no default deployment yet

  await page.goto(`/w/${slug}/endpoints/new`);
  await page.getByLabel("Name").fill("fraud-scorer");
  await page.getByRole("button", { name: "Create endpoint" }).click();
  await expect(page.getByText("An endpoint named 'fraud-scorer' already exists in this workspace. Choose another name.")).toBeVisible();

  await page.goto(`/w/${slug}/endpoints`);
  await expect(page.getByRole("row")).toHaveCount(2); // header + one endpoint
  await page.getByLabel("Filter endpoints by name").fill("nomatch");
  await expect(page.getByText("No endpoints match this filter")).toBeVisible();
  await page.getByLabel("Filter endpoints by name").fill("fraud");
  await expect(page.getByRole("row", { name: /fraud-scorer/ })).toBeVisible();
});
