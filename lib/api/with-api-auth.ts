import "server-only";
import { NextResponse } from "next/server";
import { z } from "zod";
import { authenticateApiToken, type TokenPrincipal } from "@/lib/api-tokens/api-tokens";
import { can, type Permission } from "@/lib/authz/permissions";
import { AppError } from "@/lib/errors";
import { JobSnapshotError } from "@/lib/jobs/job-snapshot";
import { logError } from "@/lib/log";
import { zodFieldErrors } from "./field-errors";

export interface ApiContext<P> {
  principal: TokenPrincipal;
  params: P;
  request: Request;
}

/** The one shape of every API error: `{ error: { code, message, details? } }`. */
export function apiError(status: number, code: string, message: string, details?: unknown) {
  return NextResponse.json({ error: { code, message, ...(details ? { details } : {}) } }, { status });
}

/** Maps an error to the API's JSON error response; unexpected errors are logged and shown generically. */
export function toErrorResponse(e: unknown, context = "API request") {
  if (e instanceof AppError) return apiError(e.status, e.code, e.message, e.details);
  if (e instanceof z.ZodError) {
    const fieldErrors = zodFieldErrors(e);
    return apiError(400, "BAD_REQUEST", "The request is invalid; see details.fieldErrors.", { fieldErrors });
  }
  logError(`${context} failed`, e);
  // A corrupt job row: still a server fault, but the caller learns which stored field, never a stack (docs/decisions/0031).
  if (e instanceof JobSnapshotError) return apiError(500, "INTERNAL", e.message, { field: e.field });
  return apiError(500, "INTERNAL", "Something went wrong on our side; the server log has the details.");
}

/**
 * Wraps a REST handler: the first thing it does is authenticate the bearer token and check
 * `permission` against the token's role. Every lookup inside must scope by principal.workspace.
 */
export function withApiAuth<P>(permission: Permission, handler: (ctx: ApiContext<P>) => Promise<Response>) {
  return async (request: Request, route: { params: Promise<P> }) => {
    try {
      const header = request.headers.get("authorization") ?? "";
      const match = /^Bearer\s+(\S+)$/i.exec(header);
      if (!match) return apiError(401, "UNAUTHENTICATED", "Send a workspace API token as 'Authorization: Bearer <token>'.");
      const principal = await authenticateApiToken(match[1]);
      if (!principal) return apiError(401, "UNAUTHENTICATED", "The API token is unknown, expired or revoked.");
      if (!can(principal.role, permission)) {
        return apiError(403, "FORBIDDEN", `This token's role (${principal.role}) does not allow ${permission}.`);
      }
      return await handler({ principal, params: await route.params, request });
    } catch (e) {
      return toErrorResponse(e);
    }
  };
}
