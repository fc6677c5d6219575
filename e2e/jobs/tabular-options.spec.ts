import { createToken, signUp } from "../support/fixtures";
import { expect, test } from "../support/test";

// A semicolon CSV: the output keeps the dialect, joins the id and says per row how it went.
const CSV = `id;region;amount\n${Array.from({ length: 6 }, (_, i) => `${i + 1};"north; east";${(i + 1) * 100}`).join("\n")}\n`;

const SCORE = `import pandas as pd

def run(df):
    return pd.DataFrame({"flag": (df["amount"] > 300).astype(int)})
`;

test("a scientist sets tabular options on the invoke form, fixes a wrong column and sees them on the job", async ({ page, request }) => {
  const { slug } = await signUp(page, "tabopts");
  const token = await createToken(page, slug, "automation", "owner");
  const auth = { authorization: `Bearer ${token}` };
  expect((await request.put("/api/v1/datastores/workspaceblobstore/files/tables/sales.csv", { headers: auth, data: CSV })).status()).toBe(
    201,
  );
  expect((await request.post("/api/v1/endpoints", { headers: auth, data: { name: "sales" } })).status()).toBe(201);
  const dep = await request.post("/api/v1/endpoints/sales/deployments", {
    headers: auth,
    data: {
      name: "rules",
      runtime: "python",
      code: { files: { "score.py": SCORE } },
      scoringScript: "score.py",
      interpreter: "/usr/bin/python3",
      setDefault: true,
    },
  });
  expect(dep.status()).toBe(201);

  await page.goto(`/w/${slug}/endpoints/sales/invoke`);
  await page.getByLabel("Input type").selectOption("tabular");
  await page.getByLabel("Input path").fill("datastores/workspaceblobstore/paths/tables/sales.csv");
  await page.getByText("Advanced tabular options").click();
  await page.getByLabel("Passthrough columns").fill("id, customer");
  await page.getByLabel("Delimiter").selectOption(";");
  await page.getByLabel(/Add a prediction_status column/).check();
  await page.getByLabel("Rename output columns").fill("flag=big_sale");
  await page.getByRole("button", { name: "Start job" }).click();

  // A column the CSV does not have: the form says which, and lists the ones it has; no job starts.
  await expect(page.getByText(/has no column customer; its columns are id, region, amount/).first()).toBeVisible();
  await expect(page).toHaveURL(new RegExp(`/w/${slug}/endpoints/sales/invoke`));
  await page.getByLabel("Passthrough columns").fill("id");
  await page.getByRole("button", { name: "Start job" }).click();
  await page.waitForURL(new RegExp(`/w/${slug}/jobs/batchjob-`));

  await expect(page.getByRole("status", { name: "Job status" })).toHaveText("completed", { timeout: 60_000 });
  await expect(page.getByLabel("Counts")).toContainText("Scored rows6");
  await expect(page.getByLabel("Counts")).toContainText("Failed rows0");
  await expect(page.getByText('delimiter ;, quote ", utf-8')).toBeVisible();
  await expect(page.getByText("flag → big_sale")).toBeVisible();
  const preview = page.getByRole("table", { name: "Output preview" });
  await expect(preview.getByRole("columnheader")).toHaveText(["id", "big_sale", "prediction_status"]);

  const name = page.url().split("/").pop()!;
  const csv = await (await request.get(`/api/v1/jobs/${name}/output`, { headers: auth })).text();
  expect(csv.trim().split("\n")).toEqual([
    "id;big_sale;prediction_status",
    ...Array.from({ length: 6 }, (_, i) => `${i + 1};${(i + 1) * 100 > 300 ? 1 : 0};OK`),
  ]);
  const job = await (await request.get(`/api/v1/jobs/${name}`, { headers: auth })).json();
  expect(job).toMatchObject({ percentageCompleted: 100, scoredRows: 6, failedRows: 0, skippedRows: 0, queuePosition: null });
});
