import "server-only";
import { can, type Permission } from "@/lib/authz/permissions";
import { getSessionUser } from "@/lib/auth/session";
import type { WorkspaceContext } from "@/lib/workspaces/get-membership";
import { getWorkspaceContextOrThrow } from "@/lib/workspaces/get-membership";
import { AppError } from "@/lib/errors";
import { crossSiteReason } from "./same-origin";
import { apiError, toErrorResponse } from "./with-api-auth";

/**
 * The one wrapper of routes the dashboard calls with the signed-in session (uploads, downloads, logs),
 * answering errors as JSON like the REST API (toErrorResponse). First: the
 * session, the caller's membership of the workspace in the URL (non-members get 404) and the
 * permission; for writes, a same-origin check so another site cannot post with the user's cookie
 * (the Origin is compared with the host the browser addressed and NEXTAUTH_URL, so localhost and
 * 127.0.0.1 both work).
 */
export function withSessionAuth<P extends { workspace: string }>(
  permission: Permission,
  handler: (ctx: { workspace: WorkspaceContext; params: P; request: Request }) => Promise<Response>,
) {
  return async (request: Request, route: { params: Promise<P> }) => {
    try {
      const user = await getSessionUser();
      if (!user) return apiError(401, "UNAUTHENTICATED", "Your session has ended. Sign in again.");
      const params = await route.params;
      const ws = await getWorkspaceContextOrThrow({ slug: params.workspace, userId: user.id });
      if (!can(ws.role, permission)) return apiError(403, "FORBIDDEN", `Your role (${ws.role}) does not allow this.`);
      if (request.method !== "GET" && request.method !== "HEAD") {
        if (crossSiteReason(request)) throw new AppError("FORBIDDEN", "Cross-site requests are refused.");
      }
      return await handler({ workspace: ws, params, request });
    } catch (e) {
      return toErrorResponse(e, `${request.method} ${new URL(request.url).pathname}`);
    }
  };
}
