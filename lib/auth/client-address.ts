/**
 * The client's address for throttling, from X-Forwarded-For. Next sets that header to the socket's
 * address when the request has none; a reverse proxy in front appends the address it saw, so the
 * last entry is the one the nearest hop vouches for. Without a proxy a client can send its own
 * header, which is why the per-account limit does not depend on the address (lib/auth/throttle.ts).
 */
export function clientAddress(headers: Headers | Record<string, string | string[] | undefined> | undefined): string {
  const raw = headers instanceof Headers ? headers.get("x-forwarded-for") : headers?.["x-forwarded-for"];
  const value = Array.isArray(raw) ? raw.join(",") : (raw ?? "");
  const last =
    value
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean)
      .pop() ?? "";
  const address = last.replace(/^::ffff:/i, "").slice(0, 64);
  return /^[0-9A-Fa-f:.]+$/.test(address) ? address : "unknown";
}
