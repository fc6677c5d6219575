import { expect, test } from "../support/test";
import { createToken, signUp } from "../support/fixtures";

// A claims table: 25 rows, one with a quoted note spanning two lines.
const CSV = `claim_id,amount,note\n${Array.from({ length: 25 }, (_, i) => `${i + 1},${(i + 1) * 10},${i === 4 ? '"two\nlines"' : "ok"}`).join("\n")}\n`;

const SCORE = `import pandas as pd

def run(df):
    return pd.DataFrame({"claim_id": df["claim_id"], "flag": (df["amount"] > 200).astype(int)})
`;

test("a scientist scores one CSV in mini-batches of rows from the invoke form and sees rows counted", async ({ page, request }) => {
  const { slug } = await signUp(page, "tabular");
  const token = await createToken(page, slug, "automation", "owner");
  const auth = { authorization: `Bearer ${token}` };
  expect((await request.put("/api/v1/datastores/workspaceblobstore/files/tables/claims.csv", { headers: auth, data: CSV })).status()).toBe(
    201,
  );
  expect((await request.post("/api/v1/endpoints", { headers: auth, data: { name: "claims" } })).status()).toBe(201);
  const dep = await request.post("/api/v1/endpoints/claims/deployments", {
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

  await page.goto(`/w/${slug}/endpoints/claims/invoke`);
  await page.waitForLoadState("networkidle");
  await page.getByLabel("Input type").selectOption("tabular");
  await page.getByLabel("Input path").fill("datastores/workspaceblobstore/paths/tables/claims.csv");
  await page.getByLabel("Mini-batch size").fill("10");
  await page.getByRole("button", { name: "Start job" }).click();
  await page.waitForURL(new RegExp(`/w/${slug}/jobs/batchjob-`));

  await expect(page.getByRole("status", { name: "Job status" })).toHaveText("completed", { timeout: 60_000 });
  // Counted in rows, not files, everywhere on the page.
  await expect(page.getByText("25 / 25")).toBeVisible();
  await expect(page.getByText("10 rows", { exact: true })).toBeVisible(); // the mini-batch size setting
  const miniBatches = page.getByRole("table").filter({ has: page.getByRole("columnheader", { name: "Rows" }) });
  await expect(miniBatches.getByRole("row")).toHaveCount(4); // header + 10, 10 and 5 rows
  await expect(miniBatches.getByRole("row").nth(3)).toContainText("5");

  const preview = page.getByRole("table", { name: "Output preview" });
  await expect(preview.getByRole("columnheader")).toHaveText(["claim_id", "flag"]);
  const name = page.url().split("/").pop()!;
  const csv = await (await request.get(`/api/v1/jobs/${name}/output`, { headers: auth })).text();
  expect(csv.trim().split("\n")).toEqual([
    "claim_id,flag",
    ...Array.from({ length: 25 }, (_, i) => `${i + 1},${(i + 1) * 10 > 200 ? 1 : 0}`),
  ]);
});
