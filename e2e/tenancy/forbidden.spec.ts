import { randomBytes } from "node:crypto";
import { expect, test } from "../support/test";
import { expectAccessible } from "../support/axe";
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
    ["datastores/new", /Your role may not register datastores/],
    ["settings/webhooks", /Your role may not see webhooks/],
    ["job-definitions/new", /Your role may not create or change job definitions/],
  ];
  for (const [path, heading] of cases) {
    const response = await readerPage.goto(`/w/${owner.slug}/${path}`);
    expect(response?.status(), path).toBe(403);
    await expect(readerPage.getByRole("heading", { name: heading })).toBeVisible();
    await expect(readerPage.getByText("403 · No access")).toBeVisible();
    await expect(readerPage.getByRole("heading", { name: "Not found" })).toHaveCount(0);
  }
  await expect(readerPage.getByText(/You are a reader in/)).toBeVisible();
  await expect(readerPage.getByText(/To create or change job definitions, you need the owner or contributor role/)).toBeVisible();
  await expect(readerPage.getByText(/The workspace's owner can grant it in Settings → Members/)).toBeVisible();
  await expect(readerPage.getByRole("link", { name: owner.email })).toHaveAttribute("href", `mailto:${owner.email}`);
  await expectAccessible(readerPage, "403 page");
  // The workspace's shell stays around the 403 page, so the reader can go elsewhere.
  await expect(readerPage.getByRole("navigation").getByRole("link", { name: "Jobs" })).toBeVisible();

  // A page the reader may see is not a 403; a workspace the reader is not in is still a 404.
  expect((await readerPage.goto(`/w/${owner.slug}/jobs`))?.status()).toBe(200);
  await expect(readerPage.getByText("403 · No access")).toHaveCount(0);
  const outsider = await signUp(await (await browser.newContext()).newPage(), "stranger");
  expect((await readerPage.goto(`/w/${outsider.slug}/settings/tokens`))?.status()).toBe(404);

  // The owner sees the real pages.
  await page.goto(`/w/${owner.slug}/settings/tokens`);
  await expect(page.getByText("403 · No access")).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Create token" })).toBeVisible();
});
