import { expect, test } from "@playwright/test";

// Every answer the server gives, page or API, success or error, carries the hardening headers.
const targets: { name: string; method: "GET" | "POST"; path: string }[] = [
  { name: "the sign-in page", method: "GET", path: "/sign-in" },
  { name: "a page that does not exist", method: "GET", path: "/no-such-page" },
  { name: "the health check", method: "GET", path: "/api/health" },
  { name: "a REST call without a token", method: "GET", path: "/api/v1/workspace" },
  { name: "an unknown inbound webhook", method: "POST", path: "/api/hooks/nosuchwebhook" },
];

for (const t of targets) {
  test(`${t.name} is sent with CSP, no framing, nosniff and a referrer policy`, async ({ request }) => {
    const res = t.method === "GET" ? await request.get(t.path, { maxRedirects: 0 }) : await request.post(t.path, { data: {} });
    const h = res.headers();
    expect(h["content-security-policy"]).toContain("frame-ancestors 'none'");
    expect(h["content-security-policy"]).toContain("default-src 'self'");
    expect(h["content-security-policy"]).toContain("object-src 'none'");
    expect(h["content-security-policy"]).not.toContain("unsafe-eval");
    expect(h["x-frame-options"]).toBe("DENY");
    expect(h["x-content-type-options"]).toBe("nosniff");
    expect(h["referrer-policy"]).toBe("strict-origin-when-cross-origin");
  });
}

test("the sign-in page still works under its CSP: no violations, and a wrong password gets an answer", async ({ page }) => {
  const violations: string[] = [];
  page.on("console", (m) => {
    if (/Content Security Policy/i.test(m.text())) violations.push(m.text());
  });
  await page.goto("/sign-in");
  await page.getByLabel("Email").fill("nobody@e2e.test");
  await page.getByLabel("Password").fill("not the password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByText("Email or password is incorrect.")).toBeVisible();
  expect(violations).toEqual([]);
});
