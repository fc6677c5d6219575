import { randomBytes } from "node:crypto";
import { readFile } from "node:fs/promises";
import { expect, test, type APIRequestContext, type Page } from "../support/test";
import { pollJob } from "../support/api";
import { seedToken, signUp, sql } from "../support/fixtures";

const SCORE = `
import os, time
import pandas as pd
def init():
    print("model loaded")
def run(batch):
    delay = float(os.environ.get("DELAY", "0"))
    if delay:
        time.sleep(delay)
    out = []
    for p in batch:
        name = os.path.basename(p)
        if name.startswith("bad") and os.environ.get("FIXED") != "1":
            raise ValueError(f"cannot score {name}: the first line is not a number")
        out.append({"file": name, "length": len(open(p).read())})
    return pd.DataFrame(out)
`;

type Api = { request: APIRequestContext; headers: Record<string, string> };

/** An endpoint with a Python deployment and input files, made over the REST API with an owner token of the user's workspace. */
async function setUpEndpoint(
  request: APIRequestContext,
  slug: string,
  opts: { files: Record<string, string>; delay?: number; env?: Record<string, string>; settings?: Record<string, unknown> },
): Promise<Api & { ep: string }> {
  const headers = { authorization: `Bearer ${await seedToken(slug, "owner")}` };
  const ep = `ui-${randomBytes(4).toString("hex")}`;
  expect((await request.post("/api/v1/endpoints", { headers, data: { name: ep } })).status()).toBe(201);
  for (const [file, body] of Object.entries(opts.files)) {
    expect(
      (
        await request.put(`/api/v1/datastores/workspaceblobstore/files/${ep}/in/${file}`, {
          headers: { ...headers, "content-type": "text/plain" },
          data: body,
        })
      ).status(),
    ).toBe(201);
  }
  const dep = await request.post(`/api/v1/endpoints/${ep}/deployments`, {
    headers,
    data: {
      name: "blue",
      runtime: "python",
      interpreter: "/usr/bin/python3",
      code: { files: { "score.py": SCORE } },
      scoringScript: "score.py",
      settings: {
        miniBatchSize: 1,
        environmentVariables: { DELAY: String(opts.delay ?? 0), API_KEY: "hunter2", ...opts.env },
        ...opts.settings,
      },
    },
  });
  expect(dep.status(), await dep.text()).toBe(201);
  return { request, headers, ep };
}

async function invoke(api: Api & { ep: string }, body: Record<string, unknown> = {}) {
  const res = await api.request.post(`/api/v1/endpoints/${api.ep}/jobs`, {
    headers: api.headers,
    data: { input: { type: "uri_folder", path: `datastores/workspaceblobstore/paths/${api.ep}/in/` }, ...body },
  });
  expect(res.status(), await res.text()).toBe(202);
  return (await res.json()).name as string;
}

const waitForJob = (api: Api, name: string, statuses?: string[]) => pollJob(api.request, api.headers, name, statuses);

const statusBadge = (page: Page) => page.getByRole("status", { name: "Job status" });
const files = (n: number, prefix = "f") =>
  Object.fromEntries(Array.from({ length: n }, (_, i) => [`${prefix}${String(i).padStart(2, "0")}.txt`, "x".repeat(i + 1)]));

test.describe.configure({ mode: "serial" });

let owner: { page: Page; slug: string };
let failedJob: string;

test.beforeAll(async ({ browser }) => {
  const page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
  const { slug } = await signUp(page, "jobs");
  owner = { page, slug };
});

test("a running job updates live to completed without a reload", async ({ request }) => {
  const { page, slug } = owner;
  const api = await setUpEndpoint(request, slug, { files: files(8), delay: 0.8 });
  const name = await invoke(api);
  await page.goto(`/w/${slug}/jobs/${name}`);
  await page.evaluate(() => ((window as unknown as { __noReload: boolean }).__noReload = true));
  await expect(statusBadge(page)).toHaveText("running", { timeout: 20_000 });
  await expect(page.getByRole("status").filter({ hasText: "Updating live" })).toBeVisible();
  const bar = page.getByRole("progressbar", { name: "Job progress" });
  await expect.poll(async () => Number(await bar.getAttribute("aria-valuenow")), { timeout: 20_000 }).toBeGreaterThan(0);
  await expect(page.getByRole("button", { name: "Cancel job" })).toBeVisible();
  await page.screenshot({ path: test.info().outputPath("job-running-1280.png"), fullPage: true });
  await page.setViewportSize({ width: 800, height: 1000 });
  await page.screenshot({ path: test.info().outputPath("job-running-800.png"), fullPage: true });
  await page.setViewportSize({ width: 1280, height: 900 });

  await expect(statusBadge(page)).toHaveText("completed", { timeout: 40_000 });
  await expect(bar).toHaveAttribute("aria-valuenow", "100");
  await expect(page.getByText("8 / 8").first()).toBeVisible();
  expect(await page.evaluate(() => (window as unknown as { __noReload?: boolean }).__noReload)).toBe(true);
  await expect(page.getByRole("status").filter({ hasText: "Updating live" })).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Cancel job" })).toHaveCount(0);
  const timeline = page.getByRole("list", { name: "Timeline" });
  await expect(timeline).toContainText("Finished (completed)");
  await expect(timeline).not.toContainText("not yet");
  await expect(page.getByText("API_KEY=********")).toBeVisible();

  await page.goto(`/w/${slug}/jobs`);
  const row = page.getByRole("row", { name: new RegExp(name) });
  await expect(row).toContainText("completed");
  await expect(row).toContainText(api.ep);
  await expect(row.getByRole("progressbar")).toHaveAttribute("aria-valuenow", "100");
  await row.getByRole("link", { name }).click();
  await expect(page.getByRole("heading", { name })).toBeVisible();
});

test("a finished job previews its first rows and downloads its predictions", async ({ request }) => {
  const { page, slug } = owner;
  const api = await setUpEndpoint(request, slug, { files: files(25), settings: { miniBatchSize: 5 } });
  const name = await invoke(api);
  await waitForJob(api, name);
  await page.goto(`/w/${slug}/jobs/${name}`);
  const preview = page.getByRole("table", { name: "Output preview" });
  await expect(preview.getByRole("columnheader")).toHaveText(["file", "length"]);
  await expect(preview.getByRole("row")).toHaveCount(21); // header + the first 20 rows
  await expect(preview.getByRole("row").nth(1)).toHaveText("f00.txt1");
  await expect(page.getByText("The first 20 rows; download the file for all of them.")).toBeVisible();

  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("link", { name: "Download predictions file predictions.csv" }).click(),
  ]);
  expect(download.suggestedFilename()).toBe("predictions.csv");
  const csv = (await readFile((await download.path())!, "utf8")).trim().split("\n");
  expect(csv).toEqual(["file,length", ...Array.from({ length: 25 }, (_, i) => `f${String(i).padStart(2, "0")}.txt,${i + 1}`)]);

  const [summary] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "Download job summary" }).click()]);
  expect(JSON.parse(await readFile((await summary.path())!, "utf8"))).toMatchObject({
    job: name,
    status: "completed",
    files: { total: 25, succeeded: 25, failed: 0 },
  });
});

test("a failed job says why at the top: the error, the failing file and the script's traceback", async ({ request }) => {
  const { page, slug } = owner;
  const api = await setUpEndpoint(request, slug, {
    files: { "a1.txt": "1", "bad-row.txt": "oops", "c3.txt": "3", "d4.txt": "4" },
    settings: { errorThreshold: 0, retrySettings: { maxRetries: 0, timeout: 30 } },
  });
  failedJob = await invoke(api);
  await waitForJob(api, failedJob);
  await page.goto(`/w/${slug}/jobs/${failedJob}`);
  await expect(statusBadge(page)).toHaveText("failed");
  const why = page.getByRole("alert").filter({ hasText: "Why this job failed" });
  await expect(why).toContainText("1 input file failed, more than the error threshold of 0.");
  await expect(why).toContainText("First failing mini-batch: #1");
  await expect(why).toContainText("cannot score bad-row.txt: the first line is not a number");
  await expect(why).toContainText(`${api.ep}/in/bad-row.txt`);
  const traceback = why.getByLabel("Traceback");
  await expect(traceback).toContainText("Traceback (most recent call last)");
  await expect(traceback).toContainText("score.py");
  await expect(traceback).toContainText("ValueError");
  await expect(why).not.toContainText("status code");
  await expect(page.getByRole("button", { name: "Retry failed" })).toBeVisible();
  await expect(page.getByRole("button", { name: "Re-run with the same settings" })).toBeVisible();
  await page.screenshot({ path: test.info().outputPath("job-failed-1280.png"), fullPage: true });
  await page.setViewportSize({ width: 800, height: 1000 });
  await page.screenshot({ path: test.info().outputPath("job-failed-800.png"), fullPage: true });
  await page.setViewportSize({ width: 1280, height: 900 });
});

test("the mini-batch table filters to the failed ones and shows a mini-batch's log", async () => {
  const { page, slug } = owner;
  await page.goto(`/w/${slug}/jobs/${failedJob}`);
  const table = page.getByRole("table", { name: "Mini-batches" });
  await expect(table.getByRole("row")).toHaveCount(5); // header + 4
  await page.getByRole("link", { name: "Failed only" }).click();
  await expect(page).toHaveURL(/mb=failed/);
  await expect(table.getByRole("row")).toHaveCount(2);
  await expect(table.getByRole("row").nth(1)).toContainText("failed");
  await expect(table.getByRole("row").nth(1)).toContainText("cannot score bad-row.txt");

  await table.getByRole("button", { name: "Logs of mini-batch 1" }).click();
  const drawer = page.getByRole("dialog", { name: "Mini-batch 1 logs" });
  await expect(drawer.getByRole("region", { name: "Traceback" })).toContainText("ValueError");
  await expect(drawer.getByRole("region", { name: "Log" })).toContainText("mini-batch 1");
  await drawer.getByRole("button", { name: "Close logs" }).click();
  await expect(drawer).toHaveCount(0);
  await table.getByRole("button", { name: "Logs of mini-batch 1" }).click();
  await expect(drawer).toBeVisible();
  await page.keyboard.press("Escape");
  await expect(drawer).toHaveCount(0);

  await page.getByRole("link", { name: "All", exact: true }).click();
  await expect(table.getByRole("row")).toHaveCount(5);
});

test("re-run starts the same job again and lands on it", async () => {
  const { page, slug } = owner;
  await page.goto(`/w/${slug}/jobs/${failedJob}`);
  await page.getByRole("button", { name: "Re-run with the same settings" }).click();
  await expect(page.getByText(/^Started batchjob-/)).toBeVisible();
  await page.waitForURL((url) => !url.pathname.endsWith(failedJob) && /\/jobs\/batchjob-/.test(url.pathname));
  await expect(statusBadge(page)).toHaveText("failed", { timeout: 30_000 }); // same input, same bad file
  await expect(page.getByRole("alert").filter({ hasText: "Why this job failed" })).toContainText("bad-row.txt");
});

test("after fixing the cause, retry failed re-runs only the failed mini-batch with the fixed version and the job completes clean", async ({
  request,
}) => {
  const { page, slug } = owner;
  const api = await setUpEndpoint(request, slug, {
    files: { "a1.txt": "1", "bad-row.txt": "22", "c3.txt": "333" },
    settings: { retrySettings: { maxRetries: 0, timeout: 30 } },
  });
  const name = await invoke(api);
  await waitForJob(api, name);
  await page.goto(`/w/${slug}/jobs/${name}`);
  await expect(statusBadge(page)).toHaveText("Completed with errors");
  await expect(page.getByRole("region", { name: "Completed with 1 failed file" })).toContainText("cannot score bad-row.txt");
  await expect(page.getByRole("table", { name: "Output preview" }).getByRole("row")).toHaveCount(3);

  // The fix is a new deployment version (v2); the retry is asked to run it.
  const fixed = await request.patch(`/api/v1/endpoints/${api.ep}/deployments/blue`, {
    headers: api.headers,
    data: { settings: { environmentVariables: { FIXED: "1" } } },
  });
  expect(fixed.status()).toBe(200);
  await page.reload();
  await page.getByRole("button", { name: "Retry failed" }).click();
  const dialog = page.getByRole("dialog", { name: "Retry the failed mini-batches with which version?" });
  await dialog.getByLabel(/The current version, v2/).check();
  await dialog.getByRole("button", { name: "Retry with v2" }).click();
  await expect(page.getByText("Retrying 1 mini-batch")).toBeVisible();
  await expect(page.getByRole("region", { name: "Completed with 1 failed file" })).toHaveCount(0, { timeout: 30_000 });
  await expect(statusBadge(page)).toHaveText("completed", { timeout: 30_000 });
  await expect(page.getByRole("table", { name: "Output preview" }).getByRole("row")).toHaveCount(4, { timeout: 30_000 });
  await expect(page.getByRole("button", { name: "Retry failed" })).toHaveCount(0);
});

test("canceling a running job from the page stops it", async ({ request }) => {
  const { page, slug } = owner;
  const api = await setUpEndpoint(request, slug, { files: files(20), delay: 1 });
  const name = await invoke(api);
  await page.goto(`/w/${slug}/jobs/${name}`);
  await expect(statusBadge(page)).toHaveText("running", { timeout: 20_000 });
  await page.getByRole("button", { name: "Cancel job" }).click();
  const confirm = page.getByRole("dialog", { name: `Cancel ${name}?` });
  await expect(confirm.getByRole("button", { name: "Keep running" })).toBeFocused();
  await confirm.getByRole("button", { name: "Cancel job" }).click();
  await expect(page.getByText("Cancel requested").first()).toBeVisible();
  await expect(statusBadge(page)).toHaveText("canceled", { timeout: 30_000 });
  await expect(page.getByRole("button", { name: "Cancel job" })).toHaveCount(0);
  const job = await waitForJob(api, name);
  expect(job.progress.files.completed).toBeLessThan(20);
});

test("a reader sees no cancel or re-run, and the server refuses a stale button", async ({ browser, request }) => {
  const { slug } = owner;
  const api = await setUpEndpoint(request, slug, { files: files(12), delay: 1 });
  const name = await invoke(api);

  const readerPage = await (await browser.newContext()).newPage();
  const { email } = await signUp(readerPage, "reader");
  const [{ id: userId }] = await sql<{ id: string }>(`SELECT id FROM "User" WHERE email = $1`, [email]);
  const [{ id: workspaceId }] = await sql<{ id: string }>(`SELECT id FROM "Workspace" WHERE slug = $1`, [slug]);
  await sql(`INSERT INTO "Membership" (id, "workspaceId", "userId", role) VALUES ($1, $2, $3, 'scientist')`, [
    `m${randomBytes(8).toString("hex")}`,
    workspaceId,
    userId,
  ]);

  await readerPage.goto(`/w/${slug}/jobs/${name}`);
  await expect(statusBadge(readerPage)).toHaveText("running", { timeout: 20_000 });
  await expect(readerPage.getByRole("button", { name: "Cancel job" })).toBeVisible();
  // The role changes while the page is open and has not refreshed since (its tab in the background, so the
  // live refresh waits; otherwise a refresh landing before the click hides the button): the button is stale,
  // the server still says no.
  await readerPage.evaluate(() => Object.defineProperty(document, "visibilityState", { configurable: true, get: () => "hidden" }));
  await readerPage.waitForLoadState("networkidle");
  await sql(`UPDATE "Membership" SET role = 'reader' WHERE "workspaceId" = $1 AND "userId" = $2`, [workspaceId, userId]);
  await readerPage.getByRole("button", { name: "Cancel job" }).click();
  await readerPage.getByRole("dialog").getByRole("button", { name: "Cancel job" }).click();
  await expect(readerPage.getByText(/Your role \(reader\) does not allow this/)).toBeVisible();
  // Back in front: Document's own visibilityState again.
  await readerPage.evaluate(() => delete (document as { visibilityState?: unknown }).visibilityState);
  await expect(readerPage.getByRole("button", { name: "Cancel job" })).toHaveCount(0); // the next refresh hides it

  await waitForJob(api, name);
  await readerPage.reload();
  await expect(statusBadge(readerPage)).toHaveText("completed");
  await expect(readerPage.getByRole("button", { name: /Re-run|Retry failed|Cancel job/ })).toHaveCount(0);
  await expect(readerPage.getByRole("link", { name: "Download predictions file predictions.csv" })).toBeVisible();
  const res = await readerPage.request.get(`/w/${slug}/jobs/${name}/files/predictions`);
  expect(res.status()).toBe(200);
  expect((await res.text()).split("\n")[0]).toBe("file,length");
});

test("another workspace's job is a 404, on the page and its downloads", async ({ browser, request }) => {
  const { slug } = owner;
  const api = await setUpEndpoint(request, slug, { files: files(2) });
  const name = await invoke(api);
  await waitForJob(api, name);

  const other = await (await browser.newContext()).newPage();
  const { slug: otherSlug } = await signUp(other, "outsider");
  const res = await other.goto(`/w/${slug}/jobs/${name}`);
  expect(res?.status()).toBe(404);
  await expect(other.getByRole("heading", { name: "Not found" })).toBeVisible();
  await expect(other.getByText(name)).toHaveCount(0);
  // The job's name under the outsider's own workspace: the same not-found page (streamed, so the status line stays 200).
  await other.goto(`/w/${otherSlug}/jobs/${name}`);
  await expect(other.getByRole("heading", { name: "Not found" })).toBeVisible();
  await expect(other.getByRole("status", { name: "Job status" })).toHaveCount(0);
  for (const path of [
    `/w/${slug}/jobs/${name}/files/predictions`,
    `/w/${otherSlug}/jobs/${name}/files/predictions`,
    `/w/${slug}/jobs/${name}/logs/0`,
  ]) {
    expect((await other.request.get(path)).status(), path).toBe(404);
  }
  expect((await request.get(`/w/${slug}/jobs/${name}/files/predictions`)).status(), "no session").toBe(401);
});
