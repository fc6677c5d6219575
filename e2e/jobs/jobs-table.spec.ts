import { randomBytes } from "node:crypto";
import { expect, test } from "../support/test";
import { SEEDED_JOB_SNAPSHOT_SQL, signUp, sql } from "../support/fixtures";

/** 65 final jobs: names job-001..job-065 (newest first: job-001), every fifth has 2 of 8 files failed, job-042 is called "needle". */
async function seedJobs(slug: string) {
  const [{ id: workspaceId }] = await sql<{ id: string }>(`SELECT id FROM "Workspace" WHERE slug = $1`, [slug]);
  await sql(
    `INSERT INTO "Job" (id, "workspaceId", name, "endpointName", "deploymentName", "deploymentVersion", inputs, settings, "outputPath", "outputFileName", status, "createdAt", "startedAt", "finishedAt", "filesTotal", "filesCompleted", "filesFailed", "submittedVia")
     SELECT $1 || i, $2, CASE WHEN i = 42 THEN 'needle-in-haystack' ELSE 'job-' || lpad(i::text, 3, '0') END, 'ep-' || (i % 3), 'blue', 1, ${SEEDED_JOB_SNAPSHOT_SQL}, 'datastores/workspaceblobstore/paths/out/', 'predictions.csv',
       (ARRAY['completed','failed','canceled'])[1 + i % 3]::"JobStatus", now() - make_interval(mins => i), now() - make_interval(mins => i), now() - make_interval(mins => i) + interval '30 seconds',
       8, CASE WHEN i % 5 = 0 THEN 6 ELSE 8 END, CASE WHEN i % 5 = 0 THEN 2 ELSE 0 END, 'api'
     FROM generate_series(1, 65) AS i`,
    [`t${randomBytes(4).toString("hex")}`, workspaceId],
  );
  return workspaceId;
}

test("the jobs table sorts by column, searches by name, and pages with page numbers and a page size, all in the URL", async ({ page }) => {
  const { slug } = await signUp(page, "jobtable");
  await seedJobs(slug);
  const table = page.getByRole("table", { name: "Jobs" });
  const firstRow = table.getByRole("row").nth(1);

  await page.goto(`/w/${slug}/jobs`);
  await expect(firstRow).toContainText("job-001");
  await expect(page.getByText("1–20 of 65")).toBeVisible();
  await expect(table.getByRole("columnheader", { name: "Submitted (UTC)" })).toHaveAttribute("aria-sort", "descending");

  // Sorting: Job name ascending, then descending.
  await table.getByRole("link", { name: "Job", exact: true }).click();
  await expect(page).toHaveURL(/sort=name&dir=asc/);
  await expect(firstRow).toContainText("job-001");
  await expect(table.getByRole("columnheader", { name: "Job", exact: true })).toHaveAttribute("aria-sort", "ascending");
  await table.getByRole("link", { name: "Job", exact: true }).click();
  await expect(page).toHaveURL(/sort=name&dir=desc/);
  await expect(firstRow).toContainText("needle-in-haystack");

  // The failed-files column, sorted: the jobs with failures first.
  await table.getByRole("link", { name: "Failed", exact: true }).click();
  await expect(page).toHaveURL(/sort=failed&dir=asc/);
  await table.getByRole("link", { name: "Failed", exact: true }).click();
  await expect(page).toHaveURL(/sort=failed&dir=desc/);
  await expect(firstRow).toContainText("2 of 8");

  // Page numbers and page size.
  await page.goto(`/w/${slug}/jobs`);
  await page.getByRole("link", { name: "Page 3" }).click();
  await expect(page).toHaveURL(/page=3/);
  await expect(page.getByText("41–60 of 65")).toBeVisible();
  await expect(firstRow).toContainText("job-041");
  await page.getByLabel("Rows per page").selectOption("50");
  await expect(page).toHaveURL(/perPage=50/);
  await expect(page).not.toHaveURL(/page=3/);
  await expect(page.getByText("1–50 of 65")).toBeVisible();
  await expect(table.getByRole("row")).toHaveCount(51);

  // Search by name, any case, a part of it.
  await page.getByLabel("Search jobs by name").fill("NEEDLE");
  await expect(page).toHaveURL(/q=NEEDLE/);
  await expect(table.getByRole("row")).toHaveCount(2);
  await expect(firstRow).toContainText("needle-in-haystack");
  await page.getByLabel("Search jobs by name").fill("no such job");
  await expect(page.getByText("No jobs match these filters")).toBeVisible();

  // A bad sort in the URL falls back to the default order instead of failing the page.
  const res = await page.goto(`/w/${slug}/jobs?sort=bogus&dir=sideways`);
  expect(res?.status()).toBe(200);
  await expect(firstRow).toContainText("job-001");
});

test("jobs started with an API token name the token as submitter, and unfinished jobs update live", async ({ page }) => {
  const { slug } = await signUp(page, "jobtoken");
  const workspaceId = await seedJobs(slug);
  const tokenId = `t${randomBytes(10).toString("hex")}`;
  await sql(
    `INSERT INTO "ApiToken" (id, "workspaceId", name, role, "tokenHash", prefix) VALUES ($1, $2, 'nightly-pipeline', 'scientist', $3, 'bp_xxxx')`,
    [tokenId, workspaceId, randomBytes(32).toString("hex")],
  );
  const [{ id: jobId }] = await sql<{ id: string }>(`SELECT id FROM "Job" WHERE "workspaceId" = $1 AND name = 'job-001'`, [workspaceId]);
  await sql(
    `INSERT INTO "AuditEvent" (id, "workspaceId", "actorTokenId", action, "targetType", "targetId", "createdAt") SELECT $1, $2, $3, 'job.invoked', 'job', $4, "createdAt" FROM "Job" WHERE id = $4`,
    [`a${randomBytes(10).toString("hex")}`, workspaceId, tokenId, jobId],
  );
  await sql(`UPDATE "Job" SET status = 'running', "finishedAt" = NULL WHERE id = $1`, [jobId]);

  await page.goto(`/w/${slug}/jobs`);
  const row = page.getByRole("row", { name: /job-001/ });
  await expect(row).toContainText("token nightly-pipeline");
  await expect(row).toContainText("running");
  const live = page.getByRole("status").filter({ hasText: "Updating live" });
  await expect(live).toBeVisible();
  // Its dot pulses only for a user who has not asked for reduced motion (the browser tests ask for it).
  await expect(live.locator("span")).toHaveCSS("animation-name", "none");
  await page.emulateMedia({ reducedMotion: "no-preference" });
  await expect(live.locator("span")).toHaveCSS("animation-name", "pulse");
  await page.emulateMedia({ reducedMotion: "reduce" });
  await sql(`UPDATE "Job" SET status = 'completed', "finishedAt" = now() WHERE id = $1`, [jobId]);
  await expect(row).toContainText("completed");
  await expect(page.getByRole("status").filter({ hasText: "Updating live" })).toHaveCount(0);
});
