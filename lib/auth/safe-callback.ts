/**
 * The path to send a user to after signing in: a same-origin path, or "/" when the value could
 * lead anywhere else. Browsers treat `\` as `/` and drop tabs and newlines inside URLs, so
 * `/\evil.com`, `/%5Cevil.com` and `/\t/evil.com` all mean `//evil.com`; the value is decoded and
 * normalised the way a browser would before it is checked, and the check is done by resolving it
 * against a placeholder origin and requiring that the origin did not change.
 */
export function safeCallbackPath(raw: unknown, fallback = "/"): string {
  if (typeof raw !== "string" || raw.length === 0 || raw.length > 2048) return fallback;
  let decoded = raw;
  // Undo percent-encoding (repeatedly: %255C is %5C once decoded); a malformed escape is refused.
  for (let i = 0; i < 3; i++) {
    try {
      const next = decodeURIComponent(decoded);
      if (next === decoded) break;
      decoded = next;
    } catch {
      return fallback;
    }
  }
  // Control characters and whitespace at either end are stripped or ignored by URL parsers.
  if (/[\u0000-\u001f\u007f]/.test(decoded) || decoded.trim() !== decoded) return fallback;
  const normalised = decoded.replace(/\\/g, "/");
  if (!normalised.startsWith("/") || normalised.startsWith("//")) return fallback;
  const base = "http://batchpoint.invalid";
  let url: URL;
  try {
    url = new URL(raw.replace(/\\/g, "/"), base);
  } catch {
    return fallback;
  }
  if (url.origin !== base) return fallback;
  const path = `${url.pathname}${url.search}${url.hash}`;
  return path.startsWith("//") ? fallback : path;
}

/** For next-auth's redirect callback: same-origin absolute URLs become paths; anything else goes home. */
export function safeRedirectUrl(url: string, baseUrl: string): string {
  const base = baseUrl.replace(/\/$/, "");
  if (url.startsWith(`${base}/`) || url === base) {
    try {
      const u = new URL(url);
      if (u.origin === new URL(base).origin) return `${base}${safeCallbackPath(`${u.pathname}${u.search}${u.hash}`)}`;
    } catch {
      return base;
    }
  }
  return `${base}${safeCallbackPath(url)}`;
}
