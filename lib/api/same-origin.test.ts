import { afterEach, describe, expect, it } from "vitest";
import { allowedOrigins, crossSiteReason } from "./same-origin";

const saved = process.env.NEXTAUTH_URL;
afterEach(() => {
  if (saved === undefined) delete process.env.NEXTAUTH_URL;
  else process.env.NEXTAUTH_URL = saved;
});

// Next hands route handlers a request.url built from its own idea of the host, which need not be
// the address the browser used: the server listens on 127.0.0.1 while NEXTAUTH_URL says localhost.
const put = (headers: Record<string, string>, url = "http://localhost:3000/w/acme/datastores/x/files/a.csv") =>
  new Request(url, { method: "PUT", headers });

describe("same-origin check for the dashboard's cookie-authenticated writes", () => {
  it("accepts the browser's own host, whether it typed localhost or 127.0.0.1", () => {
    process.env.NEXTAUTH_URL = "http://localhost:3000";
    expect(crossSiteReason(put({ origin: "http://127.0.0.1:3000", host: "127.0.0.1:3000" }))).toBeNull();
    expect(crossSiteReason(put({ origin: "http://localhost:3000", host: "localhost:3000" }))).toBeNull();
    expect(crossSiteReason(put({ origin: "http://localhost:3000", host: "127.0.0.1:3000" }))).toBeNull();
  });

  it("accepts the public host behind a proxy", () => {
    process.env.NEXTAUTH_URL = "https://batch.example.com";
    expect(crossSiteReason(put({ origin: "https://batch.example.com", host: "10.0.0.5:3000" }))).toBeNull();
    expect(
      crossSiteReason(
        put({
          origin: "https://edge.example.com",
          host: "10.0.0.5:3000",
          "x-forwarded-host": "edge.example.com",
          "x-forwarded-proto": "https",
        }),
      ),
    ).toBeNull();
    expect([
      ...allowedOrigins(put({ host: "10.0.0.5:3000", "x-forwarded-host": "edge.example.com", "x-forwarded-proto": "https" })),
    ]).toContain("https://edge.example.com");
  });

  it("refuses another site, a different port or scheme, and a cross-site fetch without an Origin", () => {
    process.env.NEXTAUTH_URL = "http://localhost:3000";
    expect(crossSiteReason(put({ origin: "http://evil.example", host: "127.0.0.1:3000" }))).toMatch(/not this site/);
    expect(crossSiteReason(put({ origin: "http://127.0.0.1:4000", host: "127.0.0.1:3000" }))).toMatch(/not this site/);
    expect(crossSiteReason(put({ origin: "https://127.0.0.1:3000", host: "127.0.0.1:3000" }))).toMatch(/not this site/);
    expect(crossSiteReason(put({ origin: "null", host: "127.0.0.1:3000" }))).toMatch(/not this site/);
    expect(crossSiteReason(put({ "sec-fetch-site": "cross-site", host: "127.0.0.1:3000" }))).toMatch(/cross-site/);
    expect(crossSiteReason(put({ host: "127.0.0.1:3000" }))).toBeNull();
  });
});
