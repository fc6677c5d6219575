import { expect, test } from "../support/test";
import { auth, seedEndpoint, waitForJob } from "../support/api";
import { seedToken, signUp } from "../support/fixtures";

// An input that passes the form's checks (the file exists) but that planning refuses: a binary file as a tabular CSV.
test("a job that fails at once (an image given as a CSV) gets no green 'Job started' toast beside its failure", async ({
  page,
  request,
}) => {
  const { slug } = await signUp(page, "failfast");
  const token = await seedToken(slug, "owner");
  await seedEndpoint(request, token, "failfast");
  const png = Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), Buffer.alloc(64)]);
  expect(
    (await request.put("/api/v1/datastores/workspaceblobstore/files/tables/photo.csv", { headers: auth(token), data: png })).status(),
  ).toBe(201);
  await page.goto(`/w/${slug}/endpoints/failfast/invoke`);
  await page.getByLabel("Input type").selectOption("tabular");
  await page.getByLabel("Input path").fill("datastores/workspaceblobstore/paths/tables/photo.csv");
  await expect(page.getByRole("status", { name: "What the job will score" })).toContainText("not a text CSV");
  await page.getByRole("button", { name: "Start job" }).click();
  await page.waitForURL(new RegExp(`/w/${slug}/jobs/batchjob-`));
  // The moment the job page opens, nothing claims the job started (checked once: a toast fades by itself).
  expect(
    await page
      .locator("[data-sonner-toast]")
      .filter({ hasText: /started/ })
      .count(),
  ).toBe(0);
  const job = await waitForJob(request, token, page.url().split("/").pop()!);
  expect(job.status).toBe("failed");
  await page.reload();
  await expect(page.getByText("Failed").first()).toBeVisible();
  await expect(page.locator("[data-sonner-toast][data-type=success]")).toHaveCount(0);
});
