const dev = process.env.NODE_ENV !== "production";
// CI (a fresh clone each run) never reads a build cache again, so the build does not write one there.
const ci = Boolean(process.env.CI) && process.env.CI !== "false" && process.env.CI !== "0";

/**
 * The Content-Security-Policy of every page and API answer. Next's App Router inlines its bootstrap
 * scripts and React/Tailwind set inline styles, so scripts and styles allow 'unsafe-inline' (nonces
 * would make every page dynamic); everything else is this origin only: no plugins, no framing, no
 * foreign forms, images, fonts or connections. Dev adds 'unsafe-eval' for React's refresh runtime.
 */
export function contentSecurityPolicy({ development = dev } = {}) {
  return [
    "default-src 'self'",
    `script-src 'self' 'unsafe-inline'${development ? " 'unsafe-eval'" : ""}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "worker-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}

/** Headers on every response: CSP, no framing (CSP and the older X-Frame-Options), no MIME sniffing, no full-URL referrers to other sites. */
export function securityHeaders(opts) {
  return [
    { key: "Content-Security-Policy", value: contentSecurityPolicy(opts) },
    { key: "X-Frame-Options", value: "DENY" },
    { key: "X-Content-Type-Options", value: "nosniff" },
    { key: "Referrer-Policy", value: "strict-origin-when-cross-origin" },
    { key: "Cross-Origin-Opener-Policy", value: "same-origin" },
    { key: "Permissions-Policy", value: "camera=(), microphone=(), geolocation=(), payment=()" },
  ];
}

/** @type {import('next').NextConfig} */
const nextConfig = {
  poweredByHeader: false,
  // Server-only packages with native or WASM parts are loaded by Node, not bundled.
  serverExternalPackages: ["pg", "@azure/storage-blob", "@electric-sql/pglite", "nodemailer", "bcryptjs", "rate-limiter-flexible"],
  typedRoutes: false,
  // forbidden() and app/forbidden.tsx: a member whose role lacks a page's permission gets a 403 page with HTTP 403.
  // turbopackFileSystemCacheForBuild (on by default in Next 16): Turbopack's build cache in .next/cache
  // makes a rebuild of the same checkout far cheaper, but tracking and writing it (~140 MB) costs a
  // cold build ~20% more CPU, wasted in CI, where nothing reads it again (docs/decisions/0033).
  experimental: { authInterrupts: true, turbopackFileSystemCacheForBuild: !ci },
  // `npm run typecheck` checks the whole tree, with the route types the build writes under .next/types
  // (npm test runs it after the build); the build need not repeat it.
  typescript: { ignoreBuildErrors: true },
  // The dev server logs each Server Function call with its arguments: the sign-up and sign-in
  // actions' arguments are passwords, so that log is off.
  logging: { serverFunctions: false },
  async headers() {
    return [{ source: "/:path*", headers: securityHeaders() }];
  },
};

export default nextConfig;
