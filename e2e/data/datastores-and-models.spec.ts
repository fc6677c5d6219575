import { readFileSync } from "node:fs";
import path from "node:path";
import { expect, test } from "../support/test";
import { E2E_AZURITE_PORT } from "../../playwright.config";
import { signUp } from "../support/fixtures";

// Azurite's documented (public) development account; the e2e server's Azurite listens on E2E_AZURITE_PORT
// with a generated account instead (docs/decisions/0007).
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

test("registering a datastore names bad fields and refuses the platform's own storage and loopback addresses", async ({ page }) => {
  const { slug } = await signUp(page, "dsowner");
  await page.goto(`/w/${slug}/datastores`);
  await page.getByRole("link", { name: "Register datastore" }).click();
  await page.waitForURL(new RegExp(`/w/${slug}/datastores/new$`));
  await page.getByLabel("Name").fill("9 bad");
  await page.getByLabel("Container").fill(`ws-none`);
  await page.getByLabel("Connection string").fill(AZURITE);
  await page.getByRole("button", { name: "Register datastore" }).click();
  await expect(page.getByText("Use 3-64 characters: letters, digits and underscores, starting with a letter.")).toBeVisible();

  // The public development account on this machine's emulator: a loopback address, refused before any request.
  await page.getByLabel("Name").fill("team_data");
  await page.getByRole("button", { name: "Test connection" }).click();
  await expect(page.getByRole("status")).toHaveText(/^Connection failed: The storage endpoint 127\.0\.0\.1:\d+ is not a public address/);

  // The platform's own account, with its real (generated) key: refused, so workspaceblobstore's container stays out of reach.
  const account = JSON.parse(readFileSync(path.join(process.env.E2E_DATA_DIR!, "azurite-account.json"), "utf8")) as {
    name: string;
    key: string;
  };
  expect(account.name).not.toBe("devstoreaccount1");
  // The embedded workspaceblobstore is a local folder (docs/decisions/0024); the account still holds platform files.
  await page.goto(`/w/${slug}/datastores/workspaceblobstore`);
  await expect(page.getByText("Folder on this server", { exact: true })).toBeVisible();
  const container = "ws-platform-files";
  await page.goto(`/w/${slug}/datastores/new`);
  await page.getByLabel("Name").fill("team_data");
  await page.getByLabel("Container").fill(container);
  await page
    .getByLabel("Connection string")
    .fill(
      `DefaultEndpointsProtocol=http;AccountName=${account.name};AccountKey=${account.key};BlobEndpoint=http://127.0.0.1:${E2E_AZURITE_PORT}/${account.name};`,
    );
  await page.getByRole("button", { name: "Register datastore" }).click();
  await expect(page.getByText(/platform's own storage account/)).toBeVisible();
  await page.goto(`/w/${slug}/datastores`);
  await expect(page.getByRole("link", { name: "team_data" })).toHaveCount(0);
});

test("a filesystem datastore is created from the form, takes uploads and is listed with its kind", async ({ page }) => {
  const { slug } = await signUp(page, "fsowner");
  await page.goto(`/w/${slug}/datastores/new`);
  await page.getByLabel("Kind").selectOption("filesystem");
  await expect(page.getByLabel("Connection string")).toHaveCount(0);
  await page.getByLabel("Name").fill("local_data");
  await page.getByRole("button", { name: "Create datastore" }).click();
  await expect(page).toHaveURL(new RegExp(`/w/${slug}/datastores/local_data$`));
  await expect(page.getByText("This folder is empty")).toBeVisible();
  await page.getByLabel("Upload files").setInputFiles([{ name: "rows.csv", mimeType: "text/csv", buffer: Buffer.from("x,y\n1,2\n") }]);
  await expect(page.getByRole("list", { name: "Folder contents" }).getByText("rows.csv")).toBeVisible();
  await page.goto(`/w/${slug}/datastores`);
  await expect(page.getByRole("row", { name: /local_data/ })).toContainText("Folder on this server");
});

test("a model is registered from its files and gets version 1, then 2", async ({ page }) => {
  const { slug } = await signUp(page, "modeler");
  for (const expected of ["1", "2"]) {
    await page.goto(`/w/${slug}/models/new`);
    await page.getByLabel("Name").fill("churn-model");
    await page
      .getByLabel("Files")
      .setInputFiles({ name: "weights.bin", mimeType: "application/octet-stream", buffer: Buffer.from([1, 2, 3, 4]) });
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
