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
