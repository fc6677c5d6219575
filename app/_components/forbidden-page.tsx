import "server-only";
import { headers } from "next/headers";
import { ButtonLink } from "@/components/ui/button";
import { getPageContext } from "@/lib/auth/page-context";
import { ABILITY, PAGE_PATH_HEADER, pagePermission } from "@/lib/authz/page-permissions";
import { PERMISSIONS } from "@/lib/authz/permissions";
import { findMembers } from "@/lib/members/find-members";

async function workspaceContext(slug: string) {
  try {
    return await getPageContext(slug);
  } catch {
    return null; // signed out or not a member: the page itself answers with the sign-in redirect or the 404
  }
}

/**
 * The body of the 403 page: what the member's role may not do on this page, which roles may, and
 * the workspace's owners, who can change roles. Next sends this element with every page of its
 * segment, so it looks nothing up unless the role really lacks the page's permission.
 */
export async function ForbiddenPage() {
  const where = pagePermission((await headers()).get(PAGE_PATH_HEADER) ?? "");
  const ctx = where ? await workspaceContext(where.slug) : null;
  const permission = where?.permission ?? null;
  if (!ctx || !permission || ctx.can(permission)) {
    return (
      <Frame title="You may not open this page" home="/">
        <p className="mt-2 text-sm text-zinc-700 dark:text-zinc-300">
          Your role in this workspace does not include it. A workspace owner can change your role in Settings → Members.
        </p>
      </Frame>
    );
  }
  const owners = (await findMembers({ workspaceId: ctx.workspace.id })).filter((m) => m.role === "owner");
  const allowed = PERMISSIONS[permission] as readonly string[];
  const ability = ABILITY[permission] ?? permission;
  return (
    <Frame title={`Your role may not ${ability}`} home={`/w/${ctx.workspace.slug}/endpoints`}>
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
            {owners.length === 1 ? "The workspace's owner" : "The workspace's owners"} can grant it in Settings → Members:{" "}
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
          "This workspace has no owner; the server's operator can grant roles."
        )}
      </p>
    </Frame>
  );
}

function Frame({ title, home, children }: { title: string; home: string; children: React.ReactNode }) {
  return (
    <section
      aria-labelledby="forbidden-title"
      className="mx-auto max-w-xl rounded-lg border border-amber-200 bg-white p-6 shadow-sm dark:border-amber-900 dark:bg-zinc-900"
    >
      <p className="text-sm font-semibold text-amber-800 dark:text-amber-300">403 · No access</p>
      <h1 id="forbidden-title" className="mt-1 text-xl font-semibold">
        {title}
      </h1>
      {children}
      <div className="mt-4">
        <ButtonLink href={home} variant="secondary">
          Back to the workspace
        </ButtonLink>
      </div>
    </section>
  );
}
