import { expect, test } from "../support/test";
import { signUp } from "../support/fixtures";

test("deleting an endpoint asks in an in-app dialog with verb buttons; keeping it changes nothing and returns focus", async ({ page }) => {
  let nativeDialogs = 0;
  page.on("dialog", (d) => {
    nativeDialogs++;
    void d.dismiss();
  });
  const { slug } = await signUp(page, "confirmer");
  await page.goto(`/w/${slug}/endpoints/new`);
  await page.getByLabel("Name").fill("doomed");
  await page.getByRole("button", { name: "Create endpoint" }).click();
  await page.waitForURL(new RegExp(`/w/${slug}/endpoints$`));
  await page.goto(`/w/${slug}/endpoints/doomed`);

  const trigger = page.getByRole("button", { name: "Delete" });
  await trigger.click();
  const dialog = page.getByRole("dialog", { name: "Delete endpoint doomed?" });
  await expect(dialog).toBeVisible();
  await expect(dialog).toContainText("Its jobs and their outputs stay.");
  await expect(dialog.getByRole("button", { name: "Keep endpoint" })).toBeFocused();
  await page.keyboard.press("Escape");
  await expect(dialog).toBeHidden();
  await expect(trigger).toBeFocused();

  await trigger.click();
  await dialog.getByRole("button", { name: "Keep endpoint" }).click();
  await page.reload();
  await expect(page.getByRole("heading", { name: "doomed", exact: true })).toBeVisible();

  await page.getByRole("button", { name: "Delete" }).click();
  await page.getByRole("dialog", { name: "Delete endpoint doomed?" }).getByRole("button", { name: "Delete endpoint" }).click();
  await page.waitForURL(new RegExp(`/w/${slug}/endpoints$`));
  await expect(page.getByRole("link", { name: "doomed" })).toHaveCount(0);
  expect(nativeDialogs).toBe(0);
});
