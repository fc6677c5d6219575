import type { Role } from "@/lib/generated/prisma/enums";

export const ROLES = ["owner", "contributor", "scientist", "reader"] as const satisfies readonly Role[];

const ALL: readonly Role[] = ROLES;
const WRITERS: readonly Role[] = ["owner", "contributor"];
const INVOKERS: readonly Role[] = ["owner", "contributor", "scientist"];
const OWNERS: readonly Role[] = ["owner"];

/**
 * The one permission table. Scientists may invoke and read; readers only read; contributors
 * manage endpoints, deployments, models and datastores; owners also manage people, tokens and
 * webhooks. A permission or role missing here is denied.
 */
export const PERMISSIONS = {
  "workspace:read": ALL,
  "workspace:update": OWNERS,
  "member:read": ALL,
  "member:manage": OWNERS,
  "token:manage": OWNERS,
  "audit:read": OWNERS,
  "datastore:read": ALL,
  "datastore:manage": WRITERS,
  "data:read": ALL,
  "data:write": INVOKERS,
  "data:delete": WRITERS,
  "model:read": ALL,
  "model:manage": WRITERS,
  "endpoint:read": ALL,
  "endpoint:manage": WRITERS,
  "deployment:read": ALL,
  "deployment:manage": WRITERS,
  "job:read": ALL,
  "job:invoke": INVOKERS,
  "job:cancel": INVOKERS,
  "jobdefinition:read": ALL,
  "jobdefinition:manage": WRITERS,
  "jobdefinition:run": INVOKERS,
  "webhook:read": WRITERS,
  "webhook:manage": OWNERS,
} as const satisfies Record<string, readonly Role[]>;

export type Permission = keyof typeof PERMISSIONS;

/** Fails closed: an unknown role or permission is never allowed. */
export function can(role: string | null | undefined, permission: Permission): boolean {
  if (!role || !Object.hasOwn(PERMISSIONS, permission)) return false;
  return (PERMISSIONS[permission] as readonly string[]).includes(role);
}

export function isRole(value: unknown): value is Role {
  return typeof value === "string" && (ROLES as readonly string[]).includes(value);
}

export const ROLE_DESCRIPTIONS: Record<Role, string> = {
  owner: "Everything, including members, API tokens and webhooks",
  contributor: "Manage endpoints, deployments, models and datastores; invoke jobs",
  scientist: "Invoke jobs, upload data and read everything",
  reader: "Read only",
};
