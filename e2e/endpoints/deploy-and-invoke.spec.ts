import { expect, test } from "../support/test";
import { until } from "../support/api";
import { createToken, signUp } from "../support/fixtures";

const SCORE = `import os
import pandas as pd

def init():
    print("ready")

def run(mini_batch):
    return pd.DataFrame({"file": [os.path.basename(p) for p in mini_batch], "size": [os.path.getsize(p) for p in mini_batch]})
`;

test("a contributor adds a deployment with the form and invokes the endpoint from the dashboard", async ({ page, request }) => {
  const { slug } = await signUp(page, "deployer");
  const token = await createToken(page, slug, "uploader", "scientist");
  for (let i = 0; i < 6; i++) {
    const put = await request.put(`/api/v1/datastores/workspaceblobstore/files/batch/in/${i}.txt`, {
      headers: { authorization: `Bearer ${token}` },
      data: "x".repeat(i + 1),
    });
    expect(put.status()).toBe(201);
  }

  await page.goto(`/w/${slug}/endpoints/new`);
  await page.getByLabel("Name").fill("sizer");
  await page.getByRole("button", { name: "Create endpoint" }).click();
  await page.getByRole("link", { name: "sizer" }).click();
  await expect(page.getByRole("heading", { name: "sizer", exact: true })).toBeVisible();
  await expect(page.getByText("No deployments yet")).toBeVisible();
  await expect(page.getByRole("link", { name: "Invoke" })).toHaveCount(0); // nothing to invoke yet

  await page.getByRole("link", { name: "Add deployment" }).click();
  await page.getByLabel("Name", { exact: true }).fill("blue");
  await page.getByLabel("Interpreter").fill("/usr/bin/python3");
  await page.getByLabel("Scoring code files").setInputFiles({ name: "score.py", mimeType: "text/x-python", buffer: Buffer.from(SCORE) });
  await expect(page.getByLabel("Scoring script")).toHaveValue("score.py");
  await page.getByLabel("Mini-batch size").fill("0");
  await page.getByRole("button", { name: "Create deployment" }).click();
  await expect(page.getByText("Use at least 1 file per mini-batch.").first()).toBeVisible();
  await expect(page.getByLabel("Mini-batch size")).toBeFocused();
  await page.getByLabel("Mini-batch size").fill("4");
  await page.getByLabel("Environment variables").fill("API_TOKEN=s3cret\nMODE=fast");
  await page.getByRole("button", { name: "Create deployment" }).click();
  await page.waitForURL(new RegExp(`/w/${slug}/endpoints/sizer$`));
  const row = page.getByRole("row", { name: /blue/ });
  await expect(row).toContainText("default");
  await expect(row).toContainText("v1");

  await page.getByRole("link", { name: "Invoke" }).click();
  await page.getByLabel("Input path").fill("datastores/nope/paths/x/");
  await page.getByRole("button", { name: "Start job" }).click();
  await expect(page.getByText("Datastore 'nope' was not found.")).toBeVisible();
  await page.getByLabel("Input path").fill("azureml://datastores/workspaceblobstore/paths/batch/in/");
  await page.getByLabel("Literal inputs").fill("threshold=0.5");
  await page.getByRole("button", { name: "Start job" }).click();
  await page.waitForURL(new RegExp(`/w/${slug}/jobs/batchjob-`));
  const name = page.url().split("/").pop()!;

  await until(
    `job ${name} to complete`,
    async () => {
      const job = await (await request.get(`/api/v1/jobs/${name}`, { headers: { authorization: `Bearer ${token}` } })).json();
      if (job.status === "completed") return job;
      expect(["queued", "preparing", "running", "finalizing"]).toContain(job.status);
    },
    300,
  );
  const csv = await (await request.get(`/api/v1/jobs/${name}/output`, { headers: { authorization: `Bearer ${token}` } })).text();
  expect(csv.trim().split("\n")).toEqual(["file,size", "0.txt,1", "1.txt,2", "2.txt,3", "3.txt,4", "4.txt,5", "5.txt,6"]);

  // Edit: the secret stays masked and kept; a settings change makes version 2.
  await page.goto(`/w/${slug}/endpoints/sizer`);
  await page.getByRole("link", { name: "Edit deployment blue" }).click();
  // jsonb keeps keys in its own order, so compare the lines as a set.
  expect((await page.getByLabel("Environment variables").inputValue()).split("\n").sort()).toEqual(["API_TOKEN=********", "MODE=fast"]);
  await expect(page.getByLabel("Mini-batch size")).toHaveValue("4");
  await page.getByLabel("Mini-batch size").fill("2");
  await page.getByRole("button", { name: "Save changes" }).click();
  await page.waitForURL(new RegExp(`/w/${slug}/endpoints/sizer$`));
  await expect(page.getByRole("row", { name: /blue/ })).toContainText("v2");
  const dep = await (
    await request.get(`/api/v1/endpoints/sizer/deployments/blue`, { headers: { authorization: `Bearer ${token}` } })
  ).json();
  expect(dep.settings).toMatchObject({ miniBatchSize: 2, environmentVariables: { API_TOKEN: "********", MODE: "fast" } });
});

test("a reader sees an endpoint but is offered neither invoke nor changes, and the server refuses them", async ({ page, browser }) => {
  const { slug } = await signUp(page, "ep-owner");
  await page.goto(`/w/${slug}/endpoints/new`);
  await page.getByLabel("Name").fill("readonly-ep");
  await page.getByRole("button", { name: "Create endpoint" }).click();
  await page.waitForURL(new RegExp(`/w/${slug}/endpoints$`));
  await page.goto(`/w/${slug}/settings/members`);
  const readerEmail = `reader-${Date.now()}@e2e.test`;
  await page.getByLabel("Email").fill(readerEmail);
  await page.getByLabel("Role", { exact: true }).selectOption("reader");
  await page.getByRole("button", { name: "Invite" }).click();
  const link = (await page.getByLabel("Invitation link").textContent())!.trim();

  const reader = await (await browser.newContext()).newPage();
  await reader.goto(link);
  await reader.getByRole("link", { name: "Create an account and join" }).click();
  await reader.getByLabel("Name").fill("Reader");
  await reader.getByLabel("Password").fill("e2e password 123");
  await reader.getByRole("button", { name: "Create account" }).click();
  await reader.waitForURL(new RegExp(`/w/${slug}/endpoints`));
  await expect(reader.getByRole("link", { name: "New endpoint" })).toHaveCount(0);
  await reader.getByRole("link", { name: "readonly-ep" }).click();
  await expect(reader.getByRole("heading", { name: "readonly-ep" })).toBeVisible();
  for (const label of ["Invoke", "Add deployment"]) await expect(reader.getByRole("link", { name: label })).toHaveCount(0);
  await expect(reader.getByRole("button", { name: "Delete" })).toHaveCount(0);
  for (const path of ["invoke", "deployments/new"]) {
    await reader.goto(`/w/${slug}/endpoints/readonly-ep/${path}`);
    await expect(reader.getByRole("heading", { name: /^Your role may not / })).toBeVisible();
  }
});
