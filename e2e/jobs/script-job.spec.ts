import type { APIRequestContext } from "@playwright/test";
import { expect, test } from "../support/test";
import { auth, waitForJob } from "../support/api";
import { createToken, signUp } from "../support/fixtures";

/** An endpoint with one default Python deployment of `code`, over the REST API. */
async function deployScript(
  request: APIRequestContext,
  token: string,
  endpoint: string,
  code: string,
  settings: Record<string, unknown> = {},
) {
  expect((await request.post("/api/v1/endpoints", { headers: auth(token), data: { name: endpoint } })).status()).toBe(201);
  const dep = await request.post(`/api/v1/endpoints/${endpoint}/deployments`, {
    headers: auth(token),
    data: {
      name: "scorer",
      runtime: "python",
      interpreter: "/usr/bin/python3",
      code: { files: { "score.py": code } },
      scoringScript: "score.py",
      settings,
      setDefault: true,
    },
  });
  expect(dep.status(), await dep.text()).toBe(201);
}

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
  await deployScript(request, token, "reports", SCRIPT);
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
  const explaining = `import json, os

def run(mini_batch):
    payload = json.load(open(os.environ["JOBS_PAYLOAD_FILE"]))
    with open(os.path.join(os.environ["BATCH_OUTPUT_DIR"], "report.txt"), "w") as f:
        f.write(f"region={os.environ['REGION']} explain={payload['explain']} env={os.environ.get('BATCH_EXPLAIN')}")
    return []
`;
  await deployScript(request, token, "reports", explaining, { supportsExplanations: true });

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

test("the invoke form sends named input items with the job's own storage credentials; a refused storage host is named at its field and starts nothing", async ({
  page,
  request,
}) => {
  const { slug } = await signUp(page, "sources-form");
  const token = await createToken(page, slug, "automation", "owner");
  await deployScript(request, token, "claims", "def run(items):\n    return [str(len(i)) for i in items]\n");

  await page.goto(`/w/${slug}/endpoints/claims/invoke`);
  await page.getByLabel("Input type").selectOption("sources");
  await page.getByLabel("Input items (JSON)").fill('{ "claim-1": { "Input.txt": { "container": "Claims!", "filePath": "a.txt" } } }');
  await page.getByLabel("Storage account").fill("tenantstore");
  await page.getByLabel("Key or SAS token").fill("c2VjcmV0LWtleQ==");
  await page.getByRole("button", { name: "Start job" }).click();
  // The container name is checked first, at the item's own path.
  await expect(page.getByText(/container: Give the blob container's name/)).toBeVisible();

  await page.getByLabel("Input items (JSON)").fill('{ "claim-1": { "input.txt": { "container": "claims", "filePath": "a.txt" } } }');
  // The e2e server's egress policy refuses loopback, as production refuses private addresses.
  await page.getByLabel("Blob endpoint (optional)").fill("http://127.0.0.1:10000/tenantstore");
  await page.getByRole("button", { name: "Start job" }).click();
  await expect(page.getByText("The storage endpoint 127.0.0.1:10000 is not a public address.", { exact: false })).toBeVisible();
  await expect(page).toHaveURL(/\/invoke$/);
  const jobs = await (await request.get("/api/v1/jobs", { headers: auth(token) })).json();
  expect(jobs.data).toHaveLength(0);
  expect(await page.content()).not.toContain("c2VjcmV0LWtleQ==");
});
