import { expect, test } from "../support/test";
import { PASSWORD, signUp, uniqueEmail } from "../support/fixtures";

test("an owner invites a scientist, who joins through the link and sees what the role allows", async ({ page, browser }) => {
  const { slug } = await signUp(page, "owner");
  const inviteeEmail = uniqueEmail("scientist");

  await page.getByRole("link", { name: "Settings" }).click();
  await page.getByRole("link", { name: "Members" }).click();
  await page.getByLabel("Email").fill(inviteeEmail);
  await page.getByLabel("Role", { exact: true }).selectOption("scientist");
  await page.getByRole("button", { name: "Invite" }).click();
  const link = (await page.getByLabel("Invitation link").textContent())!.trim();
  expect(link).toMatch(/\/invite\/inv_/);
  await expect(page.getByRole("table", { name: "Pending invitations" }).getByText(inviteeEmail)).toBeVisible();

  const guest = await (await browser.newContext()).newPage();
  await guest.goto(link);
  await expect(guest.getByRole("heading", { name: /Join owner's workspace/ })).toBeVisible();
  await expect(guest.getByText("You were invited as scientist")).toBeVisible();
  await guest.getByRole("link", { name: "Create an account and join" }).click();
  await expect(guest.getByLabel("Email")).toHaveValue(inviteeEmail);
  await guest.getByLabel("Name").fill("Sci Entist");
  await guest.getByLabel("Password").fill(PASSWORD);
  await guest.getByRole("button", { name: "Create account" }).click();
  await guest.waitForURL(new RegExp(`/w/${slug}/endpoints`));
  await expect(guest.getByRole("button", { name: /Workspace: owner's workspace/ })).toContainText("scientist");

  // A scientist sees members but cannot manage them, and has no token page.
  await guest.goto(`/w/${slug}/settings/members`);
  await expect(guest.getByRole("table", { name: "Members" })).toBeVisible();
  await expect(guest.getByRole("button", { name: "Invite" })).toHaveCount(0);
  await expect(guest.getByRole("link", { name: "API tokens" })).toHaveCount(0);
  // Inside their own workspace a page the role may not use says so, and who can change the role.
  await guest.goto(`/w/${slug}/settings/tokens`);
  await expect(guest.getByRole("heading", { name: "Your role may not create or revoke API tokens" })).toBeVisible();
  await expect(guest.getByLabel("Token name")).toHaveCount(0);

  // The link works once.
  await guest.goto(link);
  await expect(guest.getByRole("heading", { name: "Invitation not valid" })).toBeVisible();

  // The owner now sees the new member.
  await page.reload();
  await expect(page.getByRole("table", { name: "Members" }).getByText(inviteeEmail, { exact: true })).toBeVisible();
  await expect(page.getByRole("table", { name: "Members" }).getByLabel(`Role of ${inviteeEmail}`)).toHaveValue("scientist");
});

test("an invitation to an existing member is refused with a field error", async ({ page }) => {
  const { email, slug } = await signUp(page, "self");
  await page.goto(`/w/${slug}/settings/members`);
  await page.getByLabel("Email").fill(email);
  await page.getByRole("button", { name: "Invite" }).click();
  await expect(page.getByText("This person is already a member of the workspace.")).toBeVisible();
});

test("the last owner cannot demote themselves", async ({ page }) => {
  const { email, slug } = await signUp(page, "lastowner");
  await page.goto(`/w/${slug}/settings/members`);
  await page.getByLabel(`Role of ${email}`).selectOption("reader");
  await expect(page.getByText("A workspace needs at least one owner. Make someone else an owner first.")).toBeVisible();
  await page.reload();
  await expect(page.getByLabel(`Role of ${email}`)).toHaveValue("owner");
});
