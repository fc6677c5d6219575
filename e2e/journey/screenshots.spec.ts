import { expect, test, type Page } from "../support/test";
import { auth, SCORE_PY, seedEndpoint } from "../support/api";
import { createToken, signUp } from "../support/fixtures";

// Refreshes docs/screenshots/ from a journey at 1440x900 and 820x1180: `SCREENSHOTS=1 npx playwright test e2e/journey/screenshots.spec.ts`.
test.skip(!process.env.SCREENSHOTS, "set SCREENSHOTS=1 to refresh docs/screenshots/");
test.setTimeout(600_000);

const SLOW = `import os, time
import pandas as pd

def init():
    print("ready")

def run(mini_batch):
    time.sleep(2)
    return pd.DataFrame({"file": [os.path.basename(p) for p in mini_batch]})
`;
const FAILING = `def init():
    pass

def run(mini_batch):
    raise ValueError("cannot read " + mini_batch[0])
`;

async function shoot(page: Page, name: string) {
  for (const [suffix, size] of [
    ["", { width: 1440, height: 900 }],
    ["-tablet", { width: 820, height: 1180 }],
  ] as const) {
    await page.setViewportSize(size);
    await page.waitForTimeout(300); // layout settles after a resize; nothing is asserted from it
    await page.screenshot({ path: `docs/screenshots/${name}${suffix}.png`, fullPage: false });
  }
}

test("journey screenshots", async ({ page, request }) => {
  const { slug } = await signUp(page, "tour");
  const token = await createToken(page, slug, "nightly-pipeline", "owner");
  for (let i = 0; i < 12; i++)
    expect(
      (
        await request.put(`/api/v1/datastores/workspaceblobstore/files/reviews/2026-12/${i}.txt`, {
          headers: auth(token),
          data: `review ${i}`,
        })
      ).status(),
    ).toBe(201);
  await seedEndpoint(request, token, "sentiment", "blue", { settings: { miniBatchSize: 4 } });
  const patch = await request.patch("/api/v1/endpoints/sentiment/deployments/blue", {
    headers: auth(token),
    data: { settings: { miniBatchSize: 2 } },
  });
  expect(patch.status()).toBeLessThan(300);
  await seedEndpoint(request, token, "slow-ep", "green", { code: { files: { "score.py": SLOW } }, settings: { miniBatchSize: 1 } });
  await seedEndpoint(request, token, "broken-ep", "red", {
    code: { files: { "score.py": FAILING } },
    settings: { retrySettings: { maxRetries: 0 } },
  });
  const invoke = async (ep: string) =>
    (
      await (
        await request.post(`/api/v1/endpoints/${ep}/jobs`, {
          headers: auth(token),
          data: { input: { type: "uri_folder", path: "azureml://datastores/workspaceblobstore/paths/reviews/2026-12/" } },
        })
      ).json()
    ).name as string;
  const ok = await invoke("sentiment");
  const bad = await invoke("broken-ep");

  await page.goto(`/w/${slug}/endpoints/sentiment/deployments/blue`);
  await page.goto(`/w/${slug}/endpoints/sentiment/deployments/blue/edit`);
  await page.getByLabel("Scoring code files").setInputFiles({
    name: "score.py",
    mimeType: "text/x-python",
    buffer: Buffer.from(SCORE_PY.replace('print("ready")', 'print("ready: v3")')),
  });
  await page.getByRole("button", { name: "Save changes" }).click();
  await page.waitForURL(new RegExp(`/endpoints/sentiment$`));

  await page.goto(`/w/${slug}/endpoints`);
  await shoot(page, "endpoints");
  await page.goto(`/w/${slug}/endpoints/sentiment`);
  await shoot(page, "endpoint");
  await page.goto(`/w/${slug}/endpoints/sentiment/deployments/blue`);
  await shoot(page, "deployment");
  await page.goto(`/w/${slug}/endpoints/sentiment/deployments/blue#diff`);
  await page.getByRole("heading", { name: /Changes from/ }).scrollIntoViewIfNeeded();
  await shoot(page, "deployment-diff");
  await page.goto(`/w/${slug}/endpoints/sentiment/deployments/new`);
  await page.getByRole("button", { name: "Create deployment" }).click();
  await expect(page.getByText(/fields? needs? attention/)).toBeVisible();
  await shoot(page, "deployment-form");
  await page.goto(`/w/${slug}/endpoints/sentiment/invoke`);
  await shoot(page, "invoke");
  await page.getByRole("button", { name: "Browse datastores" }).click();
  await page.getByRole("list", { name: "Recent uploads" }).getByRole("button").first().click();
  await expect(page.getByRole("status", { name: "What the job will score" })).toContainText("The job will score 12 files");
  await page.getByRole("button", { name: "Browse datastores" }).click();
  await expect(page.getByRole("list", { name: "Folders and files" })).toBeVisible();
  await shoot(page, "invoke-picker");

  const running = await invoke("slow-ep");
  await page.goto(`/w/${slug}/jobs/${running}`);
  await expect(page.getByRole("status", { name: "Job status" })).toHaveText("running", { timeout: 60_000 });
  await shoot(page, "job-running");
  await page.goto(`/w/${slug}/jobs`);
  await shoot(page, "jobs");
  await page.goto(`/w/${slug}/jobs/${bad}`);
  await expect(page.getByRole("status", { name: "Job status" })).toHaveText(/completed|failed/i, { timeout: 60_000 });
  await shoot(page, "job-failed");
  await page.goto(`/w/${slug}/jobs/${ok}`);
  await shoot(page, "job-completed");
  await page.goto(`/w/${slug}/datastores/workspaceblobstore`);
  await shoot(page, "datastore");
  await page.goto(`/w/${slug}/datastores/workspaceblobstore?prefix=reviews/2026-12/`);
  await page.getByRole("checkbox", { name: "Select 0.txt" }).check();
  await page.getByRole("checkbox", { name: "Select 1.txt" }).check();
  await shoot(page, "datastore-folder");
  await page.getByRole("link", { name: "2.txt", exact: true }).click();
  await expect(page.getByRole("region", { name: "File contents" })).toHaveText("review 2");
  await shoot(page, "file-preview");
  await page.goto(`/w/${slug}/settings/tokens`);
  await shoot(page, "tokens");
  await page.goto(`/w/${slug}/endpoints/sentiment`);
  await page.getByRole("button", { name: "Delete", exact: true }).click();
  await expect(page.getByRole("dialog")).toBeVisible();
  await shoot(page, "confirm-delete");
});
