import { randomBytes } from "node:crypto";
import { expect, test } from "../support/test";
import { signUp, sql } from "../support/fixtures";

test("a page the member's role may not see answers with a 403 page naming what the role may not do and who can grant it", async ({
  page,
  browser,
}) => {
  const owner = await signUp(page, "grantor");
  const readerPage = await (await browser.newContext()).newPage();
  const reader = await signUp(readerPage, "limited");
  const [ws] = await sql<{ id: string }>(`SELECT id FROM "Workspace" WHERE slug = $1`, [owner.slug]);
  const [user] = await sql<{ id: string }>(`SELECT id FROM "User" WHERE email = $1`, [reader.email]);
  await sql(`INSERT INTO "Membership" (id, "workspaceId", "userId", role) VALUES ($1, $2, $3, 'reader')`, [
    `m${randomBytes(10).toString("hex")}`,
    ws.id,
    user.id,
  ]);

  const cases: [string, RegExp][] = [
    ["settings/tokens", /Your role may not create or revoke API tokens/],
    ["settings/audit", /Your role may not read the audit log/],
    ["endpoints/new", /Your role may not create or change endpoints/],
    ["models/new", /Your role may not register models/],
  ];
  for (const [path, heading] of cases) {
    await readerPage.goto(`/w/${owner.slug}/${path}`);
    await expect(readerPage.getByRole("heading", { name: heading })).toBeVisible();
    await expect(readerPage.getByText("403 · No access")).toBeVisible();
    await expect(readerPage.getByRole("heading", { name: "Not found" })).toHaveCount(0);
  }
  await expect(readerPage.getByText(/You are a reader in/)).toBeVisible();
  await expect(readerPage.getByRole("link", { name: owner.email })).toHaveAttribute("href", `mailto:${owner.email}`);

  // The owner sees the real pages.
  await page.goto(`/w/${owner.slug}/settings/tokens`);
  await expect(page.getByText("403 · No access")).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Create token" })).toBeVisible();
});
