import { expect, test } from "../support/test";
import { auth, SCORE_PY, seedEndpoint, waitForJob } from "../support/api";
import { seedToken, signUp } from "../support/fixtures";

const FAILS = `def init():
    pass

def run(mini_batch):
    raise ValueError("v1 is broken")
`;

test("retry failed asks which deployment version to use and shows each retry round with its version", async ({ page, request }) => {
  const { slug } = await signUp(page, "retryver");
  const token = await seedToken(slug, "owner");
  expect(
    (await request.put(`/api/v1/datastores/workspaceblobstore/files/retry/in/a.txt`, { headers: auth(token), data: "a" })).status(),
  ).toBe(201);
  await seedEndpoint(request, token, "retry-ep", "blue", {
    code: { files: { "score.py": FAILS } },
    settings: { retrySettings: { maxRetries: 0 } },
  });
  const job = (
    await (
      await request.post(`/api/v1/endpoints/retry-ep/jobs`, {
        headers: auth(token),
        data: { input: { type: "uri_folder", path: "azureml://datastores/workspaceblobstore/paths/retry/in/" } },
      })
    ).json()
  ).name as string;
  await waitForJob(request, token, job);
  // The deployment is fixed: version 2.
  expect(
    (
      await request.patch(`/api/v1/endpoints/retry-ep/deployments/blue`, {
        headers: auth(token),
        data: { code: { files: { "score.py": SCORE_PY } } },
      })
    ).status(),
  ).toBeLessThan(300);

  await page.goto(`/w/${slug}/jobs/${job}`);
  await page.getByRole("button", { name: "Retry failed" }).click();
  const dialog = page.getByRole("dialog", { name: "Retry the failed mini-batches with which version?" });
  await dialog.getByLabel(/The current version, v2/).check();
  await dialog.getByRole("button", { name: "Retry with v2" }).click();
  await expect(page.getByText("Retrying 1 mini-batch")).toBeVisible();
  // The round ran with v2, which scores the file: the job ends clean (a failed round would stay "with errors").
  expect((await waitForJob(request, token, job, ["completed"])).status).toBe("completed");
  await page.reload();
  await expect(page.getByRole("list", { name: "Retry rounds" }).getByRole("listitem")).toContainText([
    "deployment v2 (the current version)",
  ]);
});
