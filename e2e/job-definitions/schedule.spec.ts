import { expect, test } from "../support/test";
import { registeredInputTypes } from "../support/api";
import { createToken, signUp } from "../support/fixtures";

const SCORE = `import os

def run(mini_batch):
    return [os.path.basename(p) + "," + open(p).read().strip() for p in mini_batch]
`;

test("a contributor saves a scheduled job definition, sees its next run, runs it now and finds its job", async ({ page, request }) => {
  const { slug } = await signUp(page, "schedules");
  const token = await createToken(page, slug, "automation", "owner");
  const auth = { authorization: `Bearer ${token}` };
  for (const n of [1, 2, 3])
    expect(
      (await request.put(`/api/v1/datastores/workspaceblobstore/files/uploads/${n}.txt`, { headers: auth, data: String(n * 10) })).status(),
    ).toBe(201);
  expect((await request.post("/api/v1/endpoints", { headers: auth, data: { name: "nightly-scorer" } })).status()).toBe(201);
  const dep = await request.post("/api/v1/endpoints/nightly-scorer/deployments", {
    headers: auth,
    data: {
      name: "blue",
      runtime: "python",
      code: { files: { "score.py": SCORE } },
      scoringScript: "score.py",
      interpreter: "/usr/bin/python3",
      setDefault: true,
    },
  });
  expect(dep.status()).toBe(201);

  await page.goto(`/w/${slug}/job-definitions`);
  await expect(page.getByRole("heading", { name: "No job definitions yet" })).toBeVisible();
  await page.getByRole("link", { name: "New job definition" }).first().click();
  await page.waitForURL(`**/w/${slug}/job-definitions/new`);
  // The form offers exactly the server's registered input kinds, in its order.
  const types = await registeredInputTypes(request);
  expect(
    await page
      .getByLabel("Input type")
      .locator("option")
      .evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value)),
  ).toEqual(types);
  await page.getByLabel("Name").fill("nightly");
  await page.getByLabel("Endpoint").selectOption("nightly-scorer");
  await page.getByLabel("Input path").fill("datastores/workspaceblobstore/paths/uploads/");
  await page.getByLabel("Output path").fill("datastores/workspaceblobstore/paths/results/{job}/");
  // A bad cron expression is named beside its field and nothing is created.
  await page.getByLabel("Schedule (cron)").fill("0 25 * * *");
  await page.getByRole("button", { name: "Create job definition" }).click();
  await expect(page.getByText(/Invalid value for hour/)).toBeVisible();
  await page.getByLabel("Schedule (cron)").fill("30 2 * * *");
  await page.getByLabel("Time zone").fill("Europe/Berlin");
  await page.getByRole("button", { name: "Create job definition" }).click();
  await page.waitForURL(`**/w/${slug}/job-definitions/nightly`);

  // 02:30 in Berlin is 01:30 UTC in winter; the page shows the next run in UTC.
  await expect(page.getByTestId("next-run")).toHaveText(/1:30 AM UTC/);
  await expect(page.getByText("30 2 * * * (Europe/Berlin)")).toBeVisible();
  await expect(page.getByRole("heading", { name: "No jobs yet" })).toBeVisible();

  await page.getByRole("button", { name: "Run now" }).click();
  await expect(page.getByText(/Started job batchjob-/)).toBeVisible();
  const jobs = page.getByRole("table", { name: "Jobs" });
  const jobLink = jobs.getByRole("link", { name: /^batchjob-/ });
  await expect(jobLink).toHaveCount(1);
  const jobName = (await jobLink.textContent())!.trim();
  await jobLink.click();
  await page.waitForURL(`**/w/${slug}/jobs/${jobName}`);
  await expect(page.getByRole("status", { name: "Job status" })).toHaveText("completed", { timeout: 60_000 });
  const csv = await request.get(`/api/v1/jobs/${jobName}/output`, { headers: auth });
  expect((await csv.text()).trim().split("\n")).toEqual(["1.txt,10", "2.txt,20", "3.txt,30"]);

  // Back on the definition, the last run is that job.
  await page.goto(`/w/${slug}/job-definitions`);
  await expect(page.getByRole("link", { name: `Last run ${jobName}: completed` })).toBeVisible();
});
