import { expect, test } from "../support/test";
import { auth, SCORE_PY, seedEndpoint } from "../support/api";
import { seedToken, signUp } from "../support/fixtures";

test("the deployment page shows code, model and settings, diffs two versions and makes an earlier one current", async ({
  page,
  request,
}) => {
  const { slug } = await signUp(page, "versions");
  const token = await seedToken(slug, "owner");
  await seedEndpoint(request, token, "versioned");
  const base = `/w/${slug}/endpoints/versioned/deployments/blue`;

  await page.goto(`/w/${slug}/endpoints/versioned`);
  await page.getByRole("link", { name: "blue", exact: true }).click();
  await expect(page.getByRole("heading", { name: "blue (v1)" })).toBeVisible();
  const source = page.getByLabel("Source of score.py");
  await expect(source).toContainText("def run(mini_batch):");
  await expect(source.locator(".sh__token--keyword").first()).toBeVisible(); // highlighted, not plain text
  await expect(page.getByRole("table", { name: "Versions" }).getByRole("row")).toHaveCount(2);

  // Version 2 from the edit form: new code and a smaller mini-batch.
  await page.getByRole("link", { name: "Edit", exact: true }).click();
  await page.getByLabel("Scoring code files").setInputFiles({
    name: "score.py",
    mimeType: "text/x-python",
    buffer: Buffer.from(SCORE_PY.replace('print("ready")', 'print("ready, version two")')),
  });
  await page.getByLabel("Mini-batch size").fill("3");
  await page.getByRole("button", { name: "Save changes" }).click();
  await page.waitForURL(new RegExp(`/w/${slug}/endpoints/versioned$`));

  await page.goto(base);
  await expect(page.getByRole("heading", { name: "blue (v2)" })).toBeVisible();
  const versions = page.getByRole("table", { name: "Versions" });
  await expect(versions.getByRole("row", { name: /^v2/ })).toContainText("current");
  // The diff of the latest two versions shows by default.
  await expect(page.getByRole("heading", { name: "Changes from v1 to v2" })).toBeVisible();
  const settings = page.getByRole("table", { name: "Settings changed from v1 to v2" });
  await expect(settings.getByRole("row", { name: /miniBatchSize/ })).toContainText("10");
  await expect(settings.getByRole("row", { name: /miniBatchSize/ })).toContainText("3");
  const changes = page.getByLabel("Changes to score.py");
  await expect(changes).toContainText('-    print("ready")');
  await expect(changes).toContainText('+    print("ready, version two")');

  // Roll back: v1 becomes current again as v3.
  await versions.getByRole("row", { name: /^v1/ }).getByRole("button", { name: "Make v1 current" }).click();
  const dialog = page.getByRole("dialog", { name: "Make version 1 of blue current?" });
  await expect(dialog.getByRole("button", { name: "Keep v2" })).toBeFocused();
  await dialog.getByRole("button", { name: "Make v1 current" }).click();
  await expect(page.getByRole("heading", { name: "blue (v3)" })).toBeVisible();
  await expect(page.getByLabel("Source of score.py")).not.toContainText("version two");
  await expect(versions.getByRole("row")).toHaveCount(4);

  const dep = await (await request.get("/api/v1/endpoints/versioned/deployments/blue", { headers: auth(token) })).json();
  expect(dep).toMatchObject({ version: 3, settings: { miniBatchSize: 10 } });
  // Comparing v1 with v3 shows no difference.
  await page.goto(`${base}?from=1&to=3`);
  await expect(page.getByText("No setting differs.")).toBeVisible();
  await expect(page.getByText("The code is the same.")).toBeVisible();
});
