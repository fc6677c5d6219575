import { randomBytes } from "node:crypto";
import { expect, test } from "../support/test";
import { SEEDED_JOB_SNAPSHOT_SQL, signUp, sql } from "../support/fixtures";

/** Seeds `count` finished jobs into a workspace in one statement; returns nothing, the names are `${prefix}-NN`. */
async function seedJobs(opts: {
  workspaceId: string;
  endpointId: string;
  endpoint: string;
  userId: string;
  prefix: string;
  count: number;
  status: string;
  day: string;
}) {
  await sql(
    `INSERT INTO "Job" (id, "workspaceId", name, "endpointId", "endpointName", "deploymentName", "deploymentVersion", inputs, settings, "outputPath", "outputFileName",
       status, "submittedById", "createdAt", "startedAt", "finishedAt", "miniBatchesTotal", "miniBatchesCompleted", "miniBatchesFailed", "filesTotal", "filesCompleted", "filesFailed")
     SELECT $1 || i, $2, $3 || '-' || lpad(i::text, 2, '0'), $4, $5, 'blue', 2, ${SEEDED_JOB_SNAPSHOT_SQL}, 'datastores/workspaceblobstore/paths/out/', 'predictions.csv',
       $6::"JobStatus", $7, ($8::date + make_interval(mins => i)), ($8::date + make_interval(mins => i)), ($8::date + make_interval(mins => i, secs => 100)),
       4, CASE WHEN $6 = 'completed' THEN 4 ELSE 2 END, CASE WHEN $6 = 'completed' THEN 0 ELSE 1 END, 8, CASE WHEN $6 = 'completed' THEN 8 ELSE 6 END, CASE WHEN $6 = 'completed' THEN 0 ELSE 2 END
     FROM generate_series(1, $9::int) AS i`,
    [
      `j${randomBytes(6).toString("hex")}`,
      opts.workspaceId,
      opts.prefix,
      opts.endpointId,
      opts.endpoint,
      opts.status,
      opts.userId,
      opts.day,
      opts.count,
    ],
  );
}

test("the jobs table filters by status, endpoint, submitter and date, pages on the server and links to each job", async ({ page }) => {
  const { slug, email } = await signUp(page, "joblist");
  const [{ id: workspaceId }] = await sql<{ id: string }>(`SELECT id FROM "Workspace" WHERE slug = $1`, [slug]);
  const [{ id: ownerId }] = await sql<{ id: string }>(`SELECT id FROM "User" WHERE email = $1`, [email]);
  const colleagueId = `u${randomBytes(8).toString("hex")}`;
  await sql(`INSERT INTO "User" (id, email, name, "updatedAt") VALUES ($1, $2, 'Colleague Smith', now())`, [
    colleagueId,
    `colleague-${colleagueId}@e2e.test`,
  ]);
  await sql(`INSERT INTO "Membership" (id, "workspaceId", "userId", role) VALUES ($1, $2, $3, 'scientist')`, [
    `m${colleagueId}`,
    workspaceId,
    colleagueId,
  ]);
  const endpoints = { alpha: `e${randomBytes(8).toString("hex")}`, beta: `e${randomBytes(8).toString("hex")}` };
  for (const [name, id] of Object.entries(endpoints))
    await sql(`INSERT INTO "Endpoint" (id, "workspaceId", name, "updatedAt") VALUES ($1, $2, $3, now())`, [id, workspaceId, `${name}-ep`]);
  await seedJobs({
    workspaceId,
    endpointId: endpoints.alpha,
    endpoint: "alpha-ep",
    userId: ownerId,
    prefix: "alpha",
    count: 25,
    status: "completed",
    day: "2026-03-02",
  });
  await seedJobs({
    workspaceId,
    endpointId: endpoints.beta,
    endpoint: "beta-ep",
    userId: colleagueId,
    prefix: "beta",
    count: 5,
    status: "failed",
    day: "2026-01-15",
  });

  await page.goto(`/w/${slug}/jobs`);
  const table = page.getByRole("table", { name: "Jobs" });
  await expect(table.getByRole("row")).toHaveCount(21);
  await expect(page.getByText("1–20 of 30")).toBeVisible();
  const newest = table.getByRole("row", { name: /alpha-25/ });
  await expect(newest).toContainText("completed");
  await expect(newest).toContainText("blue v2");
  await expect(newest).toContainText("joblist Tester");
  await expect(newest).toContainText("1m 40s");
  await expect(newest.getByRole("progressbar")).toHaveAttribute("aria-valuenow", "100");
  await page.screenshot({ path: test.info().outputPath("jobs-1280.png"), fullPage: true });
  await page.setViewportSize({ width: 800, height: 1000 });
  await page.screenshot({ path: test.info().outputPath("jobs-800.png"), fullPage: true });
  await page.setViewportSize({ width: 1280, height: 900 });

  await page.getByRole("link", { name: "Next page" }).click();
  await expect(page.getByText("21–30 of 30")).toBeVisible();
  await expect(table.getByRole("row")).toHaveCount(11);

  await page.getByLabel("Status", { exact: true }).selectOption("failed");
  await expect(page).toHaveURL(/status=failed/);
  await expect(page).not.toHaveURL(/page=/);
  await expect(table.getByRole("row")).toHaveCount(6);
  const failed = table.getByRole("row", { name: /beta-03/ });
  await expect(failed).toContainText("Colleague Smith");
  await expect(failed.getByRole("progressbar")).toHaveAttribute("aria-valuenow", "75");

  await page.getByLabel("Status", { exact: true }).selectOption("");
  await page.getByLabel("Endpoint", { exact: true }).selectOption("beta-ep");
  await expect(table.getByRole("row")).toHaveCount(6);
  await page.getByLabel("Endpoint", { exact: true }).selectOption("alpha-ep");
  await expect(page.getByText("1–20 of 25")).toBeVisible();

  await page.getByLabel("Endpoint", { exact: true }).selectOption("");
  await page.getByLabel("Submitted by", { exact: true }).selectOption({ label: `Colleague Smith (colleague-${colleagueId}@e2e.test)` });
  await expect(table.getByRole("row")).toHaveCount(6);
  await expect(table).not.toContainText("alpha");

  await page.getByRole("link", { name: "Clear filters" }).click();
  await expect(page.getByText("1–20 of 30")).toBeVisible();
  await page.getByLabel("Submitted from", { exact: true }).fill("2026-01-10");
  await page.getByLabel("Submitted until", { exact: true }).fill("2026-01-20");
  await expect(page).toHaveURL(/from=2026-01-10/);
  await expect(page).toHaveURL(/to=2026-01-20/);
  await expect(table.getByRole("row")).toHaveCount(6);
  await page.getByLabel("Submitted until", { exact: true }).fill("2026-01-14");
  await expect(page.getByRole("heading", { name: "No jobs match these filters" })).toBeVisible();

  await page.goto(`/w/${slug}/jobs?status=failed`);
  await table.getByRole("link", { name: "beta-02" }).click();
  await expect(page).toHaveURL(new RegExp(`/w/${slug}/jobs/beta-02$`));
  await expect(page.getByRole("heading", { name: "beta-02" })).toBeVisible();
  await expect(page.getByRole("status", { name: "Job status" })).toHaveText("failed");
});
