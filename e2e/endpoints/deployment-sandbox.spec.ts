import { expect, test } from "../support/test";
import { auth, SCORE_PY, waitForJob } from "../support/api";
import { seedToken, signUp } from "../support/fixtures";

test("a deployment's sandbox limits and requirements file are set in the form, checked, shown on its page, and a failed environment build shows pip's error on the job", async ({
  page,
  request,
}) => {
  const { slug } = await signUp(page, "sandboxform");
  const token = await seedToken(slug, "owner");
  expect((await request.post("/api/v1/endpoints", { headers: auth(token), data: { name: "boxed" } })).status()).toBe(201);
  expect(
    (await request.put("/api/v1/datastores/workspaceblobstore/files/boxed/in/a.txt", { headers: auth(token), data: "a" })).status(),
  ).toBe(201);

  await page.goto(`/w/${slug}/endpoints/boxed/deployments/new`);
  await page.getByLabel("Name", { exact: true }).fill("limited");
  await page.getByLabel("Scoring code files").setInputFiles([
    { name: "score.py", mimeType: "text/x-python", buffer: Buffer.from(SCORE_PY) },
    // Not installable here (no index, no network): the build must fail with pip's words.
    { name: "requirements.txt", mimeType: "text/plain", buffer: Buffer.from("bp-not-on-this-machine==1.0\n") },
  ]);
  await page.getByLabel("Scoring script").selectOption("score.py");
  await page.getByLabel("Requirements file").selectOption("requirements.txt");
  await page.getByLabel("Memory per process (MiB)").fill("16");
  await page.getByLabel("Processes and threads").fill("64");
  await page.getByRole("button", { name: "Create deployment" }).click();

  // Out of range: the field says why, focus moves to it, nothing is created.
  const memory = page.getByLabel("Memory per process (MiB)");
  await expect(memory).toBeFocused();
  await expect(page.getByText("Use at least 64 (MiB of memory per worker process).").first()).toBeVisible();
  expect((await request.get("/api/v1/endpoints/boxed/deployments/limited", { headers: auth(token) })).status()).toBe(404);

  await memory.fill("512");
  await page.getByRole("button", { name: "Create deployment" }).click();
  await page.waitForURL(new RegExp(`/w/${slug}/endpoints/boxed$`));
  const dep = await (await request.get("/api/v1/endpoints/boxed/deployments/limited", { headers: auth(token) })).json();
  expect(dep.settings.sandboxSettings).toEqual({ memoryMiB: 512, processes: 64 });
  expect(dep.environment).toEqual({ condaFile: null, requirementsFile: "requirements.txt" });

  await page.goto(`/w/${slug}/endpoints/boxed/deployments/limited`);
  const limits = page.locator('dl[aria-label="Sandbox limits"]');
  for (const [label, value] of [
    ["Memory per process", "512 MiB"],
    ["Processes and threads", "64"],
    ["Open files per process", "1,024 (default)"],
    ["CPU time per run()", "600 s (default)"],
    ["Outbound network", "none (default)"],
  ])
    await expect(limits.locator("div").filter({ has: page.getByText(label, { exact: true }) })).toContainText(value);
  await expect(page.getByRole("heading", { name: "Python environment" })).toBeVisible();
  await expect(page.getByRole("status", { name: "Environment build status" })).toHaveText("not built yet");

  // The edit form shows the saved values; the first job builds the environment and fails with pip's error.
  await page.goto(`/w/${slug}/endpoints/boxed/deployments/limited/edit`);
  await expect(page.getByLabel("Memory per process (MiB)")).toHaveValue("512");
  await expect(page.getByLabel("Requirements file")).toHaveValue("requirements.txt");
  await expect(page.getByLabel("Allow outbound network")).not.toBeChecked();

  const job = (
    await (
      await request.post("/api/v1/endpoints/boxed/jobs", {
        headers: auth(token),
        data: { input: { type: "uri_folder", path: "datastores/workspaceblobstore/paths/boxed/in/" } },
      })
    ).json()
  ).name as string;
  expect(await waitForJob(request, token, job)).toMatchObject({ status: "failed" });
  await page.goto(`/w/${slug}/jobs/${job}`);
  const pip = "No matching distribution found for bp-not-on-this-machine==1.0";
  await expect(page.getByRole("heading", { name: "Why this job failed" })).toBeVisible();
  await expect(page.getByText(/Building the deployment's environment failed: pip says:/).first()).toBeVisible();
  await expect(page.getByRole("status", { name: "Environment build status" })).toHaveText("build failed");
  await expect(page.getByLabel("Environment build log")).toContainText(pip);
  await page.goto(`/w/${slug}/endpoints/boxed/deployments/limited`);
  await expect(page.getByRole("status", { name: "Environment build status" })).toHaveText("build failed");
});
