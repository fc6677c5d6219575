import { expect, test } from "../support/test";
import { auth, seedEndpoint, waitForJob } from "../support/api";
import { seedToken, signUp } from "../support/fixtures";

// Azure's `--input azureml:<data asset>@latest`, from the dashboard: the invoke form offers the workspace's data
// assets, and the job runs over the newest version's files (issue 11, item 5).
test("the invoke form runs a job over a data asset's newest version", async ({ page, request }) => {
  const { slug } = await signUp(page, "asset-invoke");
  const token = await seedToken(slug, "owner");
  await seedEndpoint(request, token, "assets");
  const put = async (path: string, data: string) =>
    expect((await request.put(`/api/v1/datastores/workspaceblobstore/files/${path}`, { headers: auth(token), data })).status()).toBe(201);
  for (const i of [1, 2]) await put(`data/digits/1/d${i}.txt`, `${i}`);
  for (const i of [1, 2, 3]) await put(`data/digits/2/d${i}.txt`, `${i}`);
  for (const v of ["1", "2"]) {
    const created = await request.post("/api/v1/data", {
      headers: auth(token),
      data: { name: "digits", version: v, type: "uri_folder", path: `datastores/workspaceblobstore/paths/data/digits/${v}/` },
    });
    expect(created.status(), await created.text()).toBe(201);
  }

  await page.goto(`/w/${slug}/endpoints/assets/invoke`);
  await page.getByLabel("Data asset").selectOption({ label: "digits (uri_folder, latest)" });
  await page.getByRole("button", { name: "Start job" }).click();
  await page.waitForURL(new RegExp(`/w/${slug}/jobs/batchjob-`));
  const name = page.url().split("/").pop()!;
  const job = await waitForJob(request, token, name);
  expect(job).toMatchObject({
    status: "completed",
    inputs: { data: { type: "uri_folder", path: "datastores/workspaceblobstore/paths/data/digits/2/" } },
  });
  expect(job.progress.files).toMatchObject({ total: 3, completed: 3, failed: 0 });
  await page.reload();
  await expect(page.getByRole("status", { name: "Job status" })).toHaveText("completed");
  await expect(page.getByText("datastores/workspaceblobstore/paths/data/digits/2/").first()).toBeVisible();
});
