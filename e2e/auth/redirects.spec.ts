import { expect, test } from "../support/test";
import { PASSWORD, signUp } from "../support/fixtures";

const PORT = Number(process.env.E2E_PORT || 3100);

// /\host, //host and %5C forms are what browsers turn into another origin; after sign-in the user stays here.
for (const callbackUrl of [
  "/\\localhost:3933/phish",
  "//evil.example/x",
  "/%5Cevil.example",
  "https://evil.example/",
  "javascript:alert(1)",
]) {
  test(`signing in with callbackUrl=${callbackUrl} stays on this origin`, async ({ page }) => {
    const { email } = await signUp(page, "redirected");
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.waitForURL(/\/sign-in/);
    await page.goto(`/sign-in?callbackUrl=${encodeURIComponent(callbackUrl)}`);
    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Password").fill(PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL((url) => !url.pathname.startsWith("/sign-in"));
    expect(new URL(page.url()).host).toBe(`localhost:${PORT}`);
  });
}

test("next-auth's own endpoints refuse a body over 64 KiB before reading it", async ({ request }) => {
  const res = await request.post("/api/auth/callback/credentials", {
    headers: { "content-type": "application/x-www-form-urlencoded" },
    data: `email=a%40b.c&password=${"x".repeat(100 * 1024)}`,
  });
  expect(res.status()).toBe(413);
  expect((await res.json()).error.code).toBe("PAYLOAD_TOO_LARGE");
});
