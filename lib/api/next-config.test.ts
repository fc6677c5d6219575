import type { NextConfig } from "next";
import { describe, expect, it } from "vitest";

const configPath = "../../next.config.mjs";
const { default: nextConfig, contentSecurityPolicy } = (await import(/* @vite-ignore */ configPath)) as {
  default: NextConfig;
  contentSecurityPolicy: (opts: { development: boolean }) => string;
};

describe("next.config.mjs hardening", () => {
  it("does not log Server Function calls, whose arguments carry sign-up and sign-in passwords", () => {
    expect(nextConfig.logging).toMatchObject({ serverFunctions: false });
  });

  it("sends the security headers on every path", async () => {
    const rules = await nextConfig.headers!();
    expect(rules).toHaveLength(1);
    expect(rules[0].source).toBe("/:path*");
    expect(Object.fromEntries(rules[0].headers.map((h) => [h.key, h.value]))).toMatchObject({
      "X-Frame-Options": "DENY",
      "X-Content-Type-Options": "nosniff",
      "Referrer-Policy": "strict-origin-when-cross-origin",
      "Content-Security-Policy": expect.stringContaining("frame-ancestors 'none'"),
    });
  });

  it("allows eval only in development", () => {
    expect(contentSecurityPolicy({ development: false })).not.toContain("unsafe-eval");
    expect(contentSecurityPolicy({ development: true })).toContain("'unsafe-eval'");
  });
});
