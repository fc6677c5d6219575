import "server-only";
import { createSafeActionClient } from "next-safe-action";
import { z } from "zod";
import { can, type Permission, PERMISSIONS } from "@/lib/authz/permissions";
import { getSessionUser } from "@/lib/auth/session";
import { zodFieldErrors } from "@/lib/api/field-errors";
import { AppError, type FieldErrors } from "@/lib/errors";
import { logError } from "@/lib/log";
import { getWorkspaceContextOrThrow } from "@/lib/workspaces/get-membership";

export interface ActionServerError {
  message: string;
  fieldErrors?: FieldErrors;
}

const GENERIC = "Something went wrong on our side. Try again; if it keeps failing, the server log has the details.";

/** The base client: expected errors keep their message and field errors; anything else is logged and hidden. */
export const actionClient = createSafeActionClient({
  defineMetadataSchema: () =>
    z.object({ name: z.string(), permission: z.enum(Object.keys(PERMISSIONS) as [Permission, ...Permission[]]).optional() }),
  handleServerError(e, utils): ActionServerError {
    if (e instanceof AppError) return { message: e.message, fieldErrors: e.details?.fieldErrors };
    if (e instanceof z.ZodError) return { message: "Some fields need attention.", fieldErrors: zodFieldErrors(e, "") };
    logError(`action ${utils.metadata?.name ?? "?"} failed`, e);
    return { message: GENERIC };
  },
});

/** Actions that need a signed-in user. */
export const authActionClient = actionClient.use(async ({ next }) => {
  const user = await getSessionUser();
  if (!user) throw new AppError("UNAUTHENTICATED", "Your session has ended. Sign in again.");
  return next({ ctx: { user } });
});

const workspaceInput = z.object({ workspace: z.string().min(1) });

/**
 * Actions inside a workspace: the input carries `workspace` (the slug). The caller's membership
 * is resolved (non-members get "not found") and the action's `permission` checked before
 * anything else runs. An action without a declared permission is refused.
 */
export const workspaceActionClient = authActionClient.use(async ({ next, ctx, clientInput, metadata }) => {
  const parsed = workspaceInput.safeParse(clientInput);
  if (!parsed.success) throw new AppError("BAD_REQUEST", "The workspace is missing from the request.");
  const wctx = await getWorkspaceContextOrThrow({ slug: parsed.data.workspace, userId: ctx.user.id });
  if (!metadata.permission || !can(wctx.role, metadata.permission)) {
    throw new AppError("FORBIDDEN", `Your role (${wctx.role}) does not allow this in ${wctx.workspace.name}.`);
  }
  return next({ ctx: { ...ctx, workspace: wctx.workspace, role: wctx.role, actor: { userId: ctx.user.id } } });
});
