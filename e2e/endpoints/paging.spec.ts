import { randomBytes } from "node:crypto";
import { expect, test } from "../support/test";
import { signUp, sql } from "../support/fixtures";

test("the endpoints table pages on the server and the filter narrows it", async ({ page }) => {
  const { slug } = await signUp(page, "pager");
  const [ws] = await sql<{ id: string }>(`SELECT id FROM "Workspace" WHERE slug = $1`, [slug]);
  for (let i = 0; i < 45; i++) {
    await sql(`INSERT INTO "Endpoint" (id, "workspaceId", name, "updatedAt") VALUES ($1, $2, $3, now())`, [
      `e${randomBytes(8).toString("hex")}`,
      ws.id,
      `model-${String(i).padStart(2, "0")}`,
    ]);
  }
  await page.goto(`/w/${slug}/endpoints`);
  const table = page.getByRole("table", { name: "Endpoints" });
  await expect(table.getByRole("row")).toHaveCount(21);
  await expect(page.getByText("1–20 of 45")).toBeVisible();
  await page.getByRole("link", { name: "Next page" }).click();
  await expect(page.getByText("21–40 of 45")).toBeVisible();
  await expect(table.getByRole("link", { name: "model-20" })).toBeVisible();
  await page.getByRole("link", { name: "Next page" }).click();
  await expect(table.getByRole("row")).toHaveCount(6);

  await page.getByRole("link", { name: /Name/ }).click(); // sort descending
  await expect(page).toHaveURL(/dir=desc/);
  await expect(table.getByRole("row").nth(1)).toContainText("model-44");

  await page.getByLabel("Filter endpoints by name").fill("model-3");
  await expect(table.getByRole("row")).toHaveCount(11);
});

test("endpoints filter by tag key or key=value", async ({ page, request }) => {
  const { slug } = await signUp(page, "tagger");
  const [ws] = await sql<{ id: string }>(`SELECT id FROM "Workspace" WHERE slug = $1`, [slug]);
  for (const [name, tags] of [
    ["risk-a", { team: "risk" }],
    ["risk-b", { team: "risk", tier: "gold" }],
    ["vision-a", { team: "vision" }],
    ["untagged", {}],
  ] as const) {
    await sql(`INSERT INTO "Endpoint" (id, "workspaceId", name, tags, "updatedAt") VALUES ($1, $2, $3, $4, now())`, [
      `e${randomBytes(8).toString("hex")}`,
      ws.id,
      name,
      JSON.stringify(tags),
    ]);
  }
  const table = page.getByRole("table", { name: "Endpoints" });
  await page.goto(`/w/${slug}/endpoints?tag=team=risk`);
  await expect(table.getByRole("row")).toHaveCount(3);
  await page.goto(`/w/${slug}/endpoints?tag=tier`);
  await expect(table.getByRole("row")).toHaveCount(2);
  await expect(table).toContainText("risk-b");
  await page.goto(`/w/${slug}/endpoints`);
  await page.getByLabel("Filter by tag: team or team=risk").fill("team");
  await expect(table.getByRole("row")).toHaveCount(4);
  void request;
});
