import { expect, test } from "../support/test";
import { PASSWORD, signIn, signUp, uniqueEmail } from "../support/fixtures";

test("a new user signs up, lands in their own workspace, signs out and back in", async ({ page }) => {
  const { email, slug } = await signUp(page, "newcomer");
  await expect(page.getByRole("heading", { name: "Endpoints", exact: true })).toBeVisible();
  await expect(page.getByText("No endpoints yet")).toBeVisible();
  await expect(page.getByRole("button", { name: /Workspace: newcomer's workspace/ })).toBeVisible();

  await page.getByRole("link", { name: "Datastores" }).click();
  await expect(page.getByRole("link", { name: "workspaceblobstore" })).toBeVisible();

  await page.getByRole("button", { name: "Sign out" }).click();
  await page.waitForURL(/\/sign-in/);
  await page.goto(`/w/${slug}/endpoints`);
  await expect(page).toHaveURL(/\/sign-in\?callbackUrl=/);

  await signIn(page, email);
  await page.waitForURL(new RegExp(`/w/${slug}/endpoints`));
});

test("sign-up names the field that is wrong and creates nothing", async ({ page }) => {
  await page.goto("/sign-up");
  await page.getByLabel("Name").fill("Shorty");
  await page.getByLabel("Email").fill("not-an-email");
  await page.getByLabel("Password").fill("short");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByText("Enter a valid email address.")).toBeVisible();
  await expect(page.getByText("Use at least 8 characters.")).toBeVisible();
  await expect(page).toHaveURL(/\/sign-up/);
});

test("an existing email cannot sign up twice", async ({ page, browser }) => {
  const { email } = await signUp(page, "taken");
  const other = await browser.newPage();
  await other.goto("/sign-up");
  await other.getByLabel("Name").fill("Copycat");
  await other.getByLabel("Email").fill(email);
  await other.getByLabel("Password").fill(PASSWORD);
  await other.getByRole("button", { name: "Create account" }).click();
  await expect(other.getByText("An account with this email already exists. Sign in instead.")).toBeVisible();
  await other.close();
});

test("a wrong password gets the same generic error as an unknown email", async ({ page }) => {
  const { email } = await signUp(page, "careful");
  await page.getByRole("button", { name: "Sign out" }).click();
  await page.waitForURL(/\/sign-in/);
  await signIn(page, email, "wrong password");
  await expect(page.getByRole("alert").filter({ hasText: /\S/ })).toHaveText("Email or password is incorrect.");
  await signIn(page, uniqueEmail("nobody"), "wrong password");
  await expect(page.getByRole("alert").filter({ hasText: /\S/ })).toHaveText("Email or password is incorrect.");
  await expect(page).toHaveURL(/\/sign-in/);
});

test("the bootstrap admin from BATCHPOINT_ADMIN_EMAIL signs in to workspace 'default'", async ({ page }) => {
  await signIn(page, "admin@e2e.test", "admin-password-e2e");
  await page.waitForURL(/\/w\/default\/endpoints/);
  await expect(page.getByRole("button", { name: /Workspace: Default/ })).toBeVisible();
});
