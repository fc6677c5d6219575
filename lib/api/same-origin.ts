import "server-only";

function originOf(value: string | null | undefined): string | null {
  if (!value) return null;
  try {
    const u = new URL(value);
    return u.origin === "null" ? null : u.origin;
  } catch {
    return null;
  }
}

/**
 * The origins this request may legitimately come from: the host the browser addressed (Host, or the
 * first X-Forwarded-Host behind a proxy, with X-Forwarded-Proto), the public URL (NEXTAUTH_URL) and
 * the URL the server itself saw. A cross-site page cannot set Host or, without a CORS preflight we
 * never grant, X-Forwarded-Host, so an Origin outside this set is another site.
 */
export function allowedOrigins(request: Request): Set<string> {
  const own = new URL(request.url);
  const proto = (request.headers.get("x-forwarded-proto")?.split(",")[0].trim() || own.protocol.replace(/:$/, "")).toLowerCase();
  const hosts = [request.headers.get("x-forwarded-host")?.split(",")[0].trim(), request.headers.get("host")?.trim()];
  const origins = new Set<string>([own.origin]);
  for (const host of hosts) {
    const o = host && /^[A-Za-z0-9.\-_[\]:]+$/.test(host) ? originOf(`${proto}://${host}`) : null;
    if (o) origins.add(o);
  }
  const configured = originOf(process.env.NEXTAUTH_URL);
  if (configured) origins.add(configured);
  return origins;
}

/** Why a state-changing request looks cross-site (by Origin, or Sec-Fetch-Site when there is no Origin), or null when it is same-origin. */
export function crossSiteReason(request: Request): string | null {
  const origin = request.headers.get("origin");
  if (origin) {
    const o = originOf(origin);
    return o && allowedOrigins(request).has(o) ? null : `Origin ${origin} is not this site`;
  }
  const site = request.headers.get("sec-fetch-site");
  if (site === "cross-site" || site === "same-site") return `Sec-Fetch-Site is ${site}`;
  return null;
}
