import { expect, test } from "../support/test";
import { auth, waitForJob } from "../support/api";
import { createToken, signUp } from "../support/fixtures";

// A watsonx-style Python script job: no data input, a literal input and per-job variables.
const SCRIPT = `import json, os

def run(mini_batch):
    payload = json.load(open(os.environ["JOBS_PAYLOAD_FILE"]))
    with open(os.path.join(os.environ["BATCH_OUTPUT_DIR"], "report.txt"), "w") as f:
        f.write(f"region={os.environ['REGION']} days={payload['literalInputs']['days']['value']}")
    print("token", os.environ["SERVICE_TOKEN"])
    return []
`;

test("a job without a data input shows its variables' names only, its one run and the file its script wrote", async ({ page, request }) => {
  const { slug } = await signUp(page, "script-job");
  const token = await createToken(page, slug, "automation", "owner");
  expect((await request.post("/api/v1/endpoints", { headers: auth(token), data: { name: "reports" } })).status()).toBe(201);
  const dep = await request.post("/api/v1/endpoints/reports/deployments", {
    headers: auth(token),
    data: {
      name: "nightly",
      runtime: "python",
      interpreter: "/usr/bin/python3",
      code: { files: { "score.py": SCRIPT } },
      scoringScript: "score.py",
      setDefault: true,
    },
  });
  expect(dep.status(), await dep.text()).toBe(201);
  const invoked = await request.post("/api/v1/endpoints/reports/jobs", {
    headers: auth(token),
    data: {
      inputs: { days: { type: "integer", value: 7 } },
      environmentVariables: { REGION: "eu-west", SERVICE_TOKEN: "tok-e2e-5c1d9f" },
    },
  });
  expect(invoked.status(), await invoked.text()).toBe(202);
  const { name } = await invoked.json();
  expect((await waitForJob(request, token, name)).status).toBe("completed");

  await page.goto(`/w/${slug}/jobs/${name}`);
  await expect(page.getByRole("status", { name: "Job status" })).toHaveText("completed");
  await expect(page.getByText("none: run() is called once with an empty mini-batch")).toBeVisible();
  await expect(page.getByText("REGION, SERVICE_TOKEN")).toBeVisible();
  await expect(page.getByText("tok-e2e-5c1d9f")).toHaveCount(0);
  const files = page.getByRole("list", { name: "Files the script wrote" });
  await expect(files.getByRole("link", { name: "report.txt" })).toBeVisible();
  const download = await request.get(`/api/v1/jobs/${name}/outputs/report.txt`, { headers: auth(token) });
  expect(await download.text()).toBe("region=eu-west days=7");
  const logs = await (await request.get(`/api/v1/jobs/${name}/logs`, { headers: auth(token) })).text();
  expect(logs).toContain("token ********");
  expect(logs).not.toContain("tok-e2e-5c1d9f");
});

test("the invoke form starts a job without a data input, with per-job variables and explain; a reserved variable is refused at its field", async ({
  page,
  request,
}) => {
  const { slug } = await signUp(page, "script-form");
  const token = await createToken(page, slug, "automation", "owner");
  expect((await request.post("/api/v1/endpoints", { headers: auth(token), data: { name: "reports" } })).status()).toBe(201);
  const explaining = `import json, os

def run(mini_batch):
    payload = json.load(open(os.environ["JOBS_PAYLOAD_FILE"]))
    with open(os.path.join(os.environ["BATCH_OUTPUT_DIR"], "report.txt"), "w") as f:
        f.write(f"region={os.environ['REGION']} explain={payload['explain']} env={os.environ.get('BATCH_EXPLAIN')}")
    return []
`;
  const dep = await request.post("/api/v1/endpoints/reports/deployments", {
    headers: auth(token),
    data: {
      name: "nightly",
      runtime: "python",
      interpreter: "/usr/bin/python3",
      code: { files: { "score.py": explaining } },
      scoringScript: "score.py",
      settings: { supportsExplanations: true },
      setDefault: true,
    },
  });
  expect(dep.status(), await dep.text()).toBe(201);

  await page.goto(`/w/${slug}/endpoints/reports/invoke`);
  await page.getByLabel("Input type").selectOption("none");
  await expect(page.getByLabel("Input path")).toHaveCount(0);
  await page.getByLabel("Environment variables for this job (optional)").fill("PATH=/tmp");
  await page.getByRole("button", { name: "Start job" }).click();
  await expect(page.getByText("PATH is set by the platform and cannot be overridden by a job; choose another name.")).toBeVisible();
  await expect(page).toHaveURL(/\/invoke$/);

  await page.getByLabel("Environment variables for this job (optional)").fill("REGION=eu-west");
  await page.getByLabel(/Ask for explanations/).check();
  await page.getByRole("button", { name: "Start job" }).click();
  await expect(page).toHaveURL(/\/jobs\/batchjob-/);
  const name = page.url().split("/").pop() as string;
  expect((await waitForJob(request, token, name)).status).toBe("completed");
  const report = await request.get(`/api/v1/jobs/${name}/outputs/report.txt`, { headers: auth(token) });
  expect(await report.text()).toBe("region=eu-west explain=True env=1");
});
