import { expect, test } from "../support/test";
import { auth, registeredInputTypes, seedEndpoint, waitForJob } from "../support/api";
import { expectAccessible } from "../support/axe";
import { seedToken, signUp } from "../support/fixtures";

test("the invoke form picks a folder or a CSV without typing, counts what the job will score, and refuses an empty input before any job exists", async ({
  page,
  request,
}) => {
  const { slug } = await signUp(page, "picker");
  const token = await seedToken(slug, "owner");
  await seedEndpoint(request, token, "picky");
  const put = async (path: string, data: string) =>
    expect((await request.put(`/api/v1/datastores/workspaceblobstore/files/${path}`, { headers: auth(token), data })).status()).toBe(201);
  await put("archive/2025/old.txt", "old");
  await put("tables/claims.csv", "id,amount\n1,10\n2,20\n3,30\n4,40\n");
  for (const i of [1, 2, 3]) await put(`uploads/today/img_${i}.txt`, `${i}`);
  const jobs = async () => (await (await request.get("/api/v1/jobs", { headers: auth(token) })).json()).count as number;

  await page.goto(`/w/${slug}/endpoints/picky/invoke`);
  // The input types are the server's registered kinds, in its order, each named "label (type)"; then sources and none.
  const types = await registeredInputTypes(request);
  const options = page.getByLabel("Input type").locator("option");
  await expect(options).toHaveCount(types.length + 2);
  expect(await options.evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value))).toEqual([...types, "sources", "none"]);
  for (const [i, t] of types.entries()) await expect(options.nth(i)).toHaveText(new RegExp(`^\\S.* \\(${t}\\)$`));
  await expect(page.getByLabel("Input type")).toHaveValue(types[0]);
  await expect(page.getByText("Every file under the folder, in name order;")).toBeVisible();
  const count = page.getByRole("status", { name: "What the job will score" });
  await expect(count).toHaveText("Choose an input to see what the job will score.");
  await page.getByRole("button", { name: "Browse datastores" }).click();
  const picker = page.getByRole("region", { name: "Choose the input" });
  // The folders that received files, newest first (blob times have whole seconds, so these three may tie).
  const recent = picker.getByRole("list", { name: "Recent uploads" }).getByRole("button");
  await expect(recent).toHaveCount(3);
  const today = recent.filter({ hasText: "uploads/today/" });
  await expect(today).toContainText("3 files");
  await expectAccessible(page, "invoke form with the input picker open");
  await today.click();
  await expect(page.getByLabel("Input path")).toHaveValue("datastores/workspaceblobstore/paths/uploads/today/");
  await expect(picker).toHaveCount(0);
  await expect(count).toHaveText(/^The job will score 3 files \(3 B\)\.$/);

  // Browse into a folder and take a CSV as rows.
  await page.getByLabel("Input type").selectOption("tabular");
  await page.getByRole("button", { name: "Browse datastores" }).click();
  // The picker opens where the path points; the first crumb goes back to the top.
  const tree = picker.getByRole("list", { name: "Folders and files" });
  await expect(tree).toContainText("img_1.txt");
  await picker.getByRole("navigation", { name: "Folder path" }).getByRole("button", { name: "workspaceblobstore" }).click();
  await picker.getByRole("button", { name: "Open tables/" }).click();
  await picker.getByRole("button", { name: "Use claims.csv" }).click();
  await expect(page.getByLabel("Input path")).toHaveValue("datastores/workspaceblobstore/paths/tables/claims.csv");
  await expect(page.getByLabel("Input type")).toHaveValue("tabular");
  await expect(count).toHaveText(/^The job will score 4 rows/);

  // Typing a folder that holds nothing: said at once, and the server refuses to create the job.
  await page.getByLabel("Input type").selectOption("uri_folder");
  await page.getByLabel("Input path").fill("datastores/workspaceblobstore/paths/uploads/tomorrow/");
  const empty =
    "No input files were found under datastores/workspaceblobstore/paths/uploads/tomorrow/. Check the path and that the files were uploaded.";
  await expect(count).toHaveText(empty);
  await page.getByRole("button", { name: "Start job" }).click();
  await expect(page.getByRole("alert").filter({ hasText: empty })).toBeVisible();
  await expect(page.getByLabel("Input path")).toHaveAttribute("aria-invalid", "true");
  await expectAccessible(page, "invoke form refusing an empty input");
  expect(page.url()).toMatch(/\/invoke$/);
  expect(await jobs()).toBe(0);

  // A missing file, likewise.
  await page.getByLabel("Input type").selectOption("uri_file");
  await page.getByLabel("Input path").fill("datastores/workspaceblobstore/paths/tables/nope.csv");
  await expect(count).toHaveText(/^The input file datastores\/workspaceblobstore\/paths\/tables\/nope\.csv does not exist\./);
  await page.getByRole("button", { name: "Start job" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "nope.csv does not exist" })).toBeVisible();
  expect(await jobs()).toBe(0);

  // A folder picked from the tree runs, and scores what was counted.
  await page.getByRole("button", { name: "Browse datastores" }).click();
  await expect(tree).toContainText("claims.csv");
  await picker.getByRole("navigation", { name: "Folder path" }).getByRole("button", { name: "workspaceblobstore" }).click();
  await picker.getByRole("button", { name: "Open archive/" }).click();
  await picker.getByRole("button", { name: "Use 2025/" }).click();
  await expect(page.getByLabel("Input type")).toHaveValue("uri_folder");
  await expect(count).toHaveText(/^The job will score 1 file \(3 B\)\.$/);
  await page.getByRole("button", { name: "Start job" }).click();
  await page.waitForURL(new RegExp(`/w/${slug}/jobs/batchjob-`));
  const job = await waitForJob(request, token, page.url().split("/").pop()!);
  expect(job).toMatchObject({ status: "completed" });
  expect(await jobs()).toBe(1);
});
