import type { Permission } from "./permissions";

/** The request header the proxy sets to the page's path, so the 403 page (which gets no props) can say what was refused. */
export const PAGE_PATH_HEADER = "x-batchpoint-path";

/**
 * The dashboard pages a role may be refused, by their path inside a workspace, and the permission
 * each needs. A page gates with `requirePermission(ctx, …)` (a 403), and the 403 page reads this
 * table to say what the role may not do.
 */
export const PAGE_PERMISSIONS: readonly [RegExp, Permission][] = [
  [/^\/settings\/tokens\/?$/, "token:manage"],
  [/^\/settings\/audit\/?$/, "audit:read"],
  [/^\/settings\/webhooks(\/[^/]+)?\/?$/, "webhook:read"],
  [/^\/models\/new\/?$/, "model:manage"],
  [/^\/datastores\/new\/?$/, "datastore:manage"],
  [/^\/endpoints\/new\/?$/, "endpoint:manage"],
  [/^\/endpoints\/[^/]+\/invoke\/?$/, "job:invoke"],
  [/^\/endpoints\/[^/]+\/deployments\/new\/?$/, "deployment:manage"],
  [/^\/endpoints\/[^/]+\/deployments\/[^/]+\/edit\/?$/, "deployment:manage"],
  [/^\/job-definitions\/new\/?$/, "jobdefinition:manage"],
];

/** What each permission lets a person do, as the end of "Your role may not …". */
export const ABILITY: Partial<Record<Permission, string>> = {
  "token:manage": "create or revoke API tokens",
  "audit:read": "read the audit log",
  "webhook:read": "see webhooks",
  "webhook:manage": "manage webhooks",
  "model:manage": "register models",
  "datastore:manage": "register datastores",
  "endpoint:manage": "create or change endpoints",
  "deployment:manage": "add or change deployments",
  "job:invoke": "start jobs",
  "jobdefinition:manage": "create or change job definitions",
  "member:manage": "manage members",
};

/** The workspace slug and the permission a dashboard path needs, from its full pathname (`/w/<slug>/…`). */
export function pagePermission(pathname: string): { slug: string; permission: Permission | null } | null {
  const m = /^\/w\/([^/?#]+)(\/[^?#]*)?/.exec(pathname);
  if (!m) return null;
  let slug: string;
  try {
    slug = decodeURIComponent(m[1]);
  } catch {
    return null;
  }
  const rest = m[2] ?? "/";
  const hit = PAGE_PERMISSIONS.find(([re]) => re.test(rest));
  return { slug, permission: hit ? hit[1] : null };
}
