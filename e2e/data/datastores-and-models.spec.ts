import { expect, test } from "../support/test";
import { E2E_AZURITE_PORT } from "../../playwright.config";
import { signUp } from "../support/fixtures";

// Azurite's documented development account; the e2e server's Azurite listens on E2E_AZURITE_PORT.
const AZURITE = `DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;BlobEndpoint=http://127.0.0.1:${E2E_AZURITE_PORT}/devstoreaccount1;`;

test("uploading files into a folder of workspaceblobstore shows progress and then the files", async ({ page }) => {
  const { slug } = await signUp(page, "uploader");
  await page.goto(`/w/${slug}/datastores/workspaceblobstore`);
  await expect(page.getByText("This folder is empty")).toBeVisible();
  await page.getByLabel("Upload files").setInputFiles([
    { name: "a.csv", mimeType: "text/csv", buffer: Buffer.from("x,y\n1,2\n") },
    { name: "b.csv", mimeType: "text/csv", buffer: Buffer.from("x,y\n3,4\n") },
    { name: "c.csv", mimeType: "text/csv", buffer: Buffer.from("x,y\n5,6\n") },
  ]);
  await expect(page.getByRole("status", { name: "Upload progress" })).toContainText("3 of 3 files");
  await expect(page.getByText("Uploaded 3 files")).toBeVisible();
  const list = page.getByRole("list", { name: "Folder contents" });
  for (const f of ["a.csv", "b.csv", "c.csv"]) await expect(list.getByText(f)).toBeVisible();
});

test("registering a datastore tests the connection, names bad fields, and never shows the credential again", async ({ page }) => {
  const { slug } = await signUp(page, "dsowner");
  await page.goto(`/w/${slug}/datastores`);
  await page.getByRole("link", { name: "Register datastore" }).click();
  await page.getByLabel("Name").fill("9 bad");
  await page.getByLabel("Container").fill(`ws-none`);
  await page.getByLabel("Connection string").fill(AZURITE);
  await page.getByRole("button", { name: "Register datastore" }).click();
  await expect(page.getByText("Use 3-64 characters: letters, digits and underscores, starting with a letter.")).toBeVisible();

  await page.getByLabel("Name").fill("team_data");
  await page.getByRole("button", { name: "Test connection" }).click();
  await expect(page.getByRole("status")).toHaveText("Connection failed: The container does not exist.");

  // workspaceblobstore's container exists in the same account: register it under a second name.
  await page.goto(`/w/${slug}/datastores/workspaceblobstore`);
  const container = (await page.getByText(/^ws-/).first().textContent())!.trim();
  await page.goto(`/w/${slug}/datastores/new`);
  await page.getByLabel("Name").fill("team_data");
  await page.getByLabel("Container").fill(container);
  await page.getByLabel("Connection string").fill(AZURITE);
  await page.getByRole("button", { name: "Test connection" }).click();
  await expect(page.getByRole("status")).toHaveText("Connection works: the container can be listed.");
  await page.getByRole("button", { name: "Register datastore" }).click();
  await page.waitForURL(new RegExp(`/w/${slug}/datastores/team_data`));
  await expect(page.getByText("Connection string", { exact: true })).toBeVisible();
  expect(await page.content()).not.toContain("Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq");
});

test("a model is registered from its files and gets version 1, then 2", async ({ page }) => {
  const { slug } = await signUp(page, "modeler");
  for (const expected of ["1", "2"]) {
    await page.goto(`/w/${slug}/models/new`);
    await page.getByLabel("Name").fill("churn-model");
    await page.getByLabel("Files").setInputFiles({ name: "weights.bin", mimeType: "application/octet-stream", buffer: Buffer.from([1, 2, 3, 4]) });
    await page.getByRole("button", { name: "Register model" }).click();
    await expect(page.getByText(`Registered churn-model version ${expected}`)).toBeVisible();
  }
  await expect(page.getByRole("row", { name: /churn-model/ })).toContainText("2");
  await page.getByRole("link", { name: "churn-model" }).click();
  await expect(page.getByRole("list", { name: "Files of version 2" })).toContainText("weights.bin");
  await expect(page.getByRole("heading", { name: "Version 1" })).toBeVisible();
  await page.goto(`/w/${slug}/models/new`);
  await page.getByLabel("Name").fill("no-files");
  await page.getByRole("button", { name: "Register model" }).click();
  await expect(page.getByText("Attach at least one model file.")).toBeVisible();
});
