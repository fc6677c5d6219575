import { expect, test } from "../support/test";
import { seedEndpoint, waitForJob } from "../support/api";
import { seedToken, signUp } from "../support/fixtures";

test("a job that fails at once (a missing input folder) gets no green 'Job started' toast beside its failure", async ({
  page,
  request,
}) => {
  const { slug } = await signUp(page, "failfast");
  const token = await seedToken(slug, "owner");
  await seedEndpoint(request, token, "failfast");
  await page.goto(`/w/${slug}/endpoints/failfast/invoke`);
  await page.getByLabel("Input path").fill("datastores/workspaceblobstore/paths/no/such/folder/");
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
