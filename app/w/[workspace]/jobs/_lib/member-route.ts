import "server-only";
import { getSessionUser } from "@/lib/auth/session";
import { AppError } from "@/lib/errors";
import { logError } from "@/lib/log";
import { getWorkspaceContextOrThrow, type WorkspaceContext } from "@/lib/workspaces/get-membership";

/**
 * Wraps a route handler for signed-in members of the URL's workspace (every role may read jobs).
 * No session is 401; a non-member, like a missing job, gets a plain 404 so nothing leaks.
 */
export function withMember<P extends { workspace: string }>(
  handler: (ctx: WorkspaceContext, params: P, request: Request) => Promise<Response>,
) {
  return async (request: Request, route: { params: Promise<P> }) => {
    const params = await route.params;
    try {
      const user = await getSessionUser();
      if (!user)
        return new Response("Sign in to download this file.", { status: 401, headers: { "content-type": "text/plain; charset=utf-8" } });
      const ctx = await getWorkspaceContextOrThrow({ slug: params.workspace, userId: user.id });
      return await handler(ctx, params, request);
    } catch (e) {
      if (e instanceof AppError)
        return new Response(e.message, { status: e.status, headers: { "content-type": "text/plain; charset=utf-8" } });
      logError("job file route failed", e);
      return new Response("Something went wrong on our side; the server log has the details.", { status: 500 });
    }
  };
}
