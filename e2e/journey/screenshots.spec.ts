import { expect, test, type Page } from "../support/test";
import { auth, SCORE_PY, seedEndpoint } from "../support/api";
import { createHmac, randomBytes } from "node:crypto";
import { createToken, signUp, sql } from "../support/fixtures";

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
    // Layout settles after a resize: two animation frames, then the fonts.
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    await page.evaluate(() => document.fonts.ready.then(() => undefined));
    await page.screenshot({ path: `docs/screenshots/${name}${suffix}.png`, fullPage: false });
  }
}

test("journey screenshots", async ({ page, request, browser }) => {
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
  const invoke = async (ep: string, labels: Record<string, unknown> = {}) =>
    (
      await (
        await request.post(`/api/v1/endpoints/${ep}/jobs`, {
          headers: auth(token),
          data: { input: { type: "uri_folder", path: "azureml://datastores/workspaceblobstore/paths/reviews/2026-12/" }, ...labels },
        })
      ).json()
    ).name as string;
  const ok = await invoke("sentiment", { displayName: "December reviews", tags: { team: "support", month: "2026-12" } });
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
  await page.getByRole("checkbox", { name: `Select ${running}` }).check();
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

  // Webhooks: a test event and its redelivery (this machine has no internet: the URL is pointed at a
  // local port afterwards, which every delivery refuses at once), and the payload of one delivery.
  await page.goto(`/w/${slug}/settings/webhooks`);
  await page.getByLabel("Name").fill("ci-notifier");
  await page.getByLabel("URL").fill("https://ci.example.com/hooks/batchpoint");
  await page.getByRole("button", { name: "Create webhook" }).click();
  await expect(page.getByLabel("Webhook secret")).toBeVisible();
  await sql(
    `UPDATE "Webhook" SET url = 'http://127.0.0.1:9/hooks' WHERE name = 'ci-notifier' AND "workspaceId" = (SELECT id FROM "Workspace" WHERE slug = $1)`,
    [slug],
  );
  await page.getByRole("link", { name: "ci-notifier" }).click();
  await page.getByRole("button", { name: "Send test event" }).click();
  const deliveries = page.getByRole("table", { name: "Deliveries" });
  await expect(deliveries.getByRole("row", { name: /webhook\.test/ })).toContainText("failed");
  await deliveries.getByRole("button", { name: /^Redeliver webhook\.test/ }).click();
  await expect(deliveries.getByRole("row", { name: /redelivery 1/ })).toContainText("failed");
  await shoot(page, "webhook-deliveries");
  await deliveries
    .getByRole("button", { name: /^View delivery webhook\.test/ })
    .first()
    .click();
  await expect(page.getByRole("dialog", { name: "Delivery of webhook.test" })).toBeVisible();
  await shoot(page, "webhook-payload");

  // An inbound trigger's delivery: the request as received, its variable masked, no signature kept.
  const trigger = await request.post("/api/v1/webhooks", {
    headers: auth(token),
    data: { direction: "inbound", name: "on-upload", endpointName: "sentiment" },
  });
  expect(trigger.status()).toBe(201);
  const { hookPath, secret } = (await trigger.json()) as { hookPath: string; secret: string };
  const inboundBody = JSON.stringify({
    input: { type: "uri_folder", path: "datastores/workspaceblobstore/paths/reviews/2026-12/" },
    displayName: "Reviews uploaded 2026-12-01",
    environmentVariables: { SENTIMENT_API_KEY: "sk-live-screenshot" },
  });
  const t = Math.floor(Date.now() / 1000);
  const signed = await request.post(hookPath, {
    headers: {
      "content-type": "application/json",
      "batchpoint-event-id": "upload-2026-12-01",
      "batchpoint-signature": `t=${t},v1=${createHmac("sha256", secret).update(`${t}.${inboundBody}`).digest("hex")}`,
    },
    data: inboundBody,
  });
  expect(signed.status()).toBe(202);
  await page.goto(`/w/${slug}/settings/webhooks`);
  await page.getByRole("link", { name: "on-upload" }).click();
  await page.getByRole("button", { name: /^View delivery job\.invoke/ }).click();
  await expect(page.getByRole("dialog", { name: "Delivery of job.invoke" }).getByLabel("Request body")).toContainText("********");
  await shoot(page, "webhook-inbound-payload");

  await page.goto(`/w/${slug}/settings/audit`);
  await shoot(page, "audit");
  await page.goto(`/w/${slug}/settings/audit?resource=endpoint`);
  await shoot(page, "audit-filtered");

  // A reader opening the tokens page: the 403 page says what the role may not do and who can grant it.
  const readerPage = await (await browser.newContext()).newPage();
  const reader = await signUp(readerPage, "reader");
  const [ws] = await sql<{ id: string }>(`SELECT id FROM "Workspace" WHERE slug = $1`, [slug]);
  const [user] = await sql<{ id: string }>(`SELECT id FROM "User" WHERE email = $1`, [reader.email]);
  await sql(`INSERT INTO "Membership" (id, "workspaceId", "userId", role) VALUES ($1, $2, $3, 'reader')`, [
    `m${randomBytes(10).toString("hex")}`,
    ws.id,
    user.id,
  ]);
  expect((await readerPage.goto(`/w/${slug}/settings/tokens`))?.status()).toBe(403);
  await shoot(readerPage, "forbidden");
  await page.goto(`/w/${slug}/endpoints/sentiment`);
  await page.getByRole("button", { name: "Delete", exact: true }).click();
  await expect(page.getByRole("dialog")).toBeVisible();
  await shoot(page, "confirm-delete");
});
