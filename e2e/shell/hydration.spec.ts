import { expect, test, type Page } from "../support/test";
import { seedEndpoint } from "../support/api";
import { createToken, signUp } from "../support/fixtures";

/** Collects React's hydration errors (#418 and friends) from the console and uncaught errors. */
function hydrationErrors(page: Page) {
  const errors: string[] = [];
  const hydration = /hydrat|#418|#423|#425|did not match/i;
  page.on("console", (m) => m.type() === "error" && hydration.test(m.text()) && errors.push(m.text()));
  page.on("pageerror", (e) => hydration.test(e.message) && errors.push(e.message));
  return errors;
}

test("pages with relative times hydrate without a mismatch, even when the browser's clock differs from the server's", async ({
  page,
  request,
}) => {
  const { slug } = await signUp(page, "hydrate");
  const token = await createToken(page, slug, "hydrator", "owner");
  await seedEndpoint(request, token, "hydra");
  // A browser clock two days and a few seconds ahead: "5 seconds ago" on the server, "2 days ago" here.
  await page.clock.setFixedTime(Date.now() + 2 * 86_400_000 + 7_000);
  const errors = hydrationErrors(page);
  for (const path of ["datastores", "endpoints/hydra", "settings/tokens", "endpoints", "models"]) {
    await page.goto(`/w/${slug}/${path}`);
    await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
    expect(errors, path).toEqual([]);
  }
  // After hydration the relative form shows, from the browser's own clock.
  await page.goto(`/w/${slug}/settings/tokens`);
  await expect(page.getByRole("row", { name: /hydrator/ })).toContainText("2 days ago");
});
