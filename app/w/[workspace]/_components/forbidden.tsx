import "server-only";
import { ButtonLink } from "@/components/ui/button";
import { PERMISSIONS, type Permission } from "@/lib/authz/permissions";
import { findMembers } from "@/lib/members/find-members";

/** What each permission lets a person do, as the end of "Your role may not …". */
const ABILITY: Partial<Record<Permission, string>> = {
  "token:manage": "create or revoke API tokens",
  "audit:read": "read the audit log",
  "webhook:read": "see webhooks",
  "webhook:manage": "manage webhooks",
  "model:manage": "register models",
  "datastore:manage": "register datastores",
  "endpoint:manage": "create or change endpoints",
  "deployment:manage": "add or change deployments",
  "job:invoke": "start jobs",
  "member:manage": "manage members",
};

/**
 * The 403 page for a member whose role lacks a permission: says what the role may not do, which
 * roles may, and which owners can change the role. (A non-member still gets the 404 page.)
 */
export async function Forbidden({
  ctx,
  permission,
  nested = false,
}: {
  ctx: { workspace: { id: string; slug: string; name: string }; role: string };
  permission: Permission;
  nested?: boolean;
}) {
  const owners = (await findMembers({ workspaceId: ctx.workspace.id })).filter((m) => m.role === "owner");
  const allowed = PERMISSIONS[permission] as readonly string[];
  const ability = ABILITY[permission] ?? permission;
  const Heading = nested ? "h2" : "h1";
  return (
    <section
      aria-labelledby="forbidden-title"
      className="mx-auto max-w-xl rounded-lg border border-amber-200 bg-white p-6 shadow-sm dark:border-amber-900 dark:bg-zinc-900"
    >
      <p className="text-sm font-semibold text-amber-800 dark:text-amber-300">403 · No access</p>
      <Heading id="forbidden-title" className="mt-1 text-xl font-semibold">
        Your role may not {ability}
      </Heading>
      <p className="mt-2 text-sm text-zinc-700 dark:text-zinc-300">
        You are a <strong>{ctx.role}</strong> in {ctx.workspace.name}. To {ability}, you need the{" "}
        {allowed.map((r, i) => (
          <span key={r}>
            {i ? (i === allowed.length - 1 ? " or " : ", ") : ""}
            <strong>{r}</strong>
          </span>
        ))}{" "}
        role.
      </p>
      <p className="mt-2 text-sm text-zinc-700 dark:text-zinc-300">
        {owners.length ? (
          <>
            An owner can change your role in Settings → Members:{" "}
            {owners.map((o, i) => (
              <span key={o.id}>
                {i ? ", " : ""}
                {o.user.name ? `${o.user.name} ` : ""}
                <a className="text-brand-700 underline underline-offset-2 dark:text-brand-300" href={`mailto:${o.user.email}`}>
                  {o.user.email}
                </a>
              </span>
            ))}
            .
          </>
        ) : (
          "This workspace has no owner; the operator can grant roles."
        )}
      </p>
      <div className="mt-4">
        <ButtonLink href={`/w/${ctx.workspace.slug}/endpoints`} variant="secondary">
          Back to the workspace
        </ButtonLink>
      </div>
    </section>
  );
}
