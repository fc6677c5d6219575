import { expect, test } from "../support/test";
import { auth, seedEndpoint } from "../support/api";
import { seedToken, signUp } from "../support/fixtures";

test("the empty dashboard guides through the first run and checks off each step as it is done", async ({ page, request }) => {
  const { slug } = await signUp(page, "firstrun");
  const guide = page.getByRole("list", { name: "First steps" });
  await expect(guide).toBeVisible();
  await expect(page.getByText("0 of 4 steps done.")).toBeVisible();
  await expect(guide.getByRole("link", { name: "Upload data" })).toBeVisible();

  const token = await seedToken(slug, "owner");
  expect((await request.put(`/api/v1/datastores/workspaceblobstore/files/first/a.txt`, { headers: auth(token), data: "a" })).status()).toBe(
    201,
  );
  await page.reload();
  await expect(page.getByText("1 of 4 steps done.")).toBeVisible();
  await expect(guide.getByRole("listitem").first()).toContainText("(done)");

  await seedEndpoint(request, token, "first-ep");
  await page.reload();
  await expect(page.getByText("3 of 4 steps done.")).toBeVisible();
  await expect(guide.getByRole("link", { name: "Invoke it" })).toHaveAttribute("href", `/w/${slug}/endpoints/first-ep/invoke`);

  const job = await request.post(`/api/v1/endpoints/first-ep/jobs`, {
    headers: auth(token),
    data: { input: { type: "uri_folder", path: "azureml://datastores/workspaceblobstore/paths/first/" } },
  });
  expect(job.status()).toBe(202);
  await page.reload();
  await expect(guide).toHaveCount(0);
});
