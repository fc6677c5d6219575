import "server-only";
import { forbidden, notFound } from "next/navigation";
import { cache } from "react";
import { can, type Permission } from "@/lib/authz/permissions";
import { AppError } from "@/lib/errors";
import { getWorkspaceContextOrThrow } from "@/lib/workspaces/get-membership";
import { requireUser } from "./session";

/**
 * The signed-in user and their role in the workspace of this page; a workspace they are not a
 * member of renders the 404 page. Cached per request, so layout and page share one lookup.
 */
export const getPageContext = cache(async (slug: string) => {
  const user = await requireUser(`/w/${slug}`);
  try {
    const ctx = await getWorkspaceContextOrThrow({ slug, userId: user.id });
    return { ...ctx, user, can: (p: Permission) => can(ctx.role, p) };
  } catch (e) {
    if (e instanceof AppError && e.code === "NOT_FOUND") notFound();
    throw e;
  }
});

/** For pages whose subject may belong to another workspace: a tenant miss becomes the 404 page. */
export async function orNotFound<T>(promise: Promise<T>): Promise<T> {
  try {
    return await promise;
  } catch (e) {
    if (e instanceof AppError && e.code === "NOT_FOUND") notFound();
    throw e;
  }
}

/** Gates a page on a permission: a member whose role lacks it gets the 403 page (app/forbidden.tsx) with HTTP 403. */
export function requirePermission(ctx: { can: (p: Permission) => boolean }, permission: Permission) {
  if (!ctx.can(permission)) forbidden();
}
