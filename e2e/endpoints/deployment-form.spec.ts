import { expect, test } from "../support/test";
import { auth, seedEndpoint } from "../support/api";
import { seedToken, signUp } from "../support/fixtures";

test("a deployment form submitted from its bottom moves focus to the first invalid field and lists every error beside the button, in plain words", async ({
  page,
}) => {
  const { slug } = await signUp(page, "depform");
  await page.goto(`/w/${slug}/endpoints/new`);
  await page.getByLabel("Name").fill("formcheck");
  await page.getByRole("button", { name: "Create endpoint" }).click();
  await page.waitForURL(new RegExp(`/w/${slug}/endpoints$`));
  await page.goto(`/w/${slug}/endpoints/formcheck/deployments/new`);

  // Nothing filled in; the user scrolls to the bottom and submits.
  await page.getByRole("button", { name: "Create deployment" }).scrollIntoViewIfNeeded();
  await page.getByRole("button", { name: "Create deployment" }).click();

  const summary = page.getByRole("alert").filter({ hasText: "need attention" });
  await expect(summary).toBeVisible();
  await expect(summary.getByRole("link", { name: "Scoring code files" })).toBeVisible();
  await expect(summary.getByRole("link", { name: "Scoring script" })).toBeVisible();
  await expect(page.getByLabel("Name", { exact: true })).toBeFocused();
  await expect(page.getByLabel("Name", { exact: true })).toBeInViewport();
  await expect(
    page.getByText("Choose the scoring script: upload your code files, then pick the one with init() and run().").first(),
  ).toBeVisible();
  // No raw validator text anywhere on the page.
  await expect(page.getByText(/Too small|expected string|Invalid input/)).toHaveCount(0);

  // A link in the summary moves focus to its field.
  await summary.getByRole("link", { name: "Scoring code files" }).click();
  await expect(page.getByLabel("Scoring code files")).toBeFocused();
});

test("the first deployment's 'Make default' box is pre-checked, and unchecking it is honoured", async ({ page, request }) => {
  const { slug } = await signUp(page, "depdefault");
  await page.goto(`/w/${slug}/endpoints/new`);
  await page.getByLabel("Name").fill("nodefault");
  await page.getByRole("button", { name: "Create endpoint" }).click();
  await page.waitForURL(new RegExp(`/w/${slug}/endpoints$`));

  await page.goto(`/w/${slug}/endpoints/nodefault/deployments/new`);
  const box = page.getByLabel("Make this the endpoint's default deployment");
  await expect(box).toBeChecked();
  await box.uncheck();
  await page.getByLabel("Name", { exact: true }).fill("green");
  await page.getByLabel("Scoring code files").setInputFiles({
    name: "score.py",
    mimeType: "text/x-python",
    buffer: Buffer.from("def init():\n    pass\n\ndef run(b):\n    return b\n"),
  });
  await page.getByRole("button", { name: "Create deployment" }).click();
  await page.waitForURL(new RegExp(`/w/${slug}/endpoints/nodefault$`));
  await expect(page.getByRole("row", { name: /green/ }).getByRole("button", { name: /Make default/ })).toBeVisible();

  const token = await seedToken(slug, "reader");
  const ep = await (await request.get("/api/v1/endpoints/nodefault", { headers: auth(token) })).json();
  expect(ep.defaults.deploymentName).toBeNull();

  // With a default already set, the box starts unchecked for the next one.
  await seedEndpoint(request, await seedToken(slug, "owner"), "hasdefault");
  await page.goto(`/w/${slug}/endpoints/hasdefault/deployments/new`);
  await expect(page.getByLabel("Make this the endpoint's default deployment")).not.toBeChecked();
});
