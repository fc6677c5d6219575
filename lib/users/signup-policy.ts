import "server-only";
import { z } from "zod";
import { db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { emailSchema } from "@/lib/validation";
import { getPendingInvitation } from "@/lib/members/accept-invitation";

export const SIGNUP_MODES = ["open", "invite", "closed"] as const;
export type SignupMode = (typeof SIGNUP_MODES)[number];
export const signupModeSchema = z.enum(SIGNUP_MODES, { error: "must be open, invite or closed" });

export const SIGNUP_CLOSED_MESSAGE = "Sign-up is closed on this server. Ask its administrator for an account.";
export const SIGNUP_INVITE_ONLY_MESSAGE =
  "This server accepts new accounts by invitation only. Ask a workspace owner to invite your email address.";

/** BATCHPOINT_SIGNUP (validated at start by lib/env.ts); read on each call so an operator's change applies at the next start and tests can set it. */
export function signupMode(): SignupMode {
  const parsed = signupModeSchema.safeParse(process.env.BATCHPOINT_SIGNUP || "open");
  if (!parsed.success) throw new AppError("INTERNAL", "BATCHPOINT_SIGNUP must be open, invite or closed.");
  return parsed.data;
}

/** True while the server has no account at all: the first one is always created, whatever the mode. */
async function isFreshServer(): Promise<boolean> {
  return (await db.user.findFirst({ select: { id: true } })) === null;
}

/**
 * Whether a new account for `email` may be created, by the operator's BATCHPOINT_SIGNUP: open (anyone),
 * invite (only with a pending invitation for that email: its token from the sign-up form, or for an
 * external sign-in any pending invitation to the address) or closed (nobody). Throws FORBIDDEN with a
 * message for a person.
 */
export async function assertSignUpAllowed(opts: { email: string; invitation?: string; external?: boolean }): Promise<void> {
  const mode = signupMode();
  if (mode === "open" || (await isFreshServer())) return;
  if (mode === "closed") throw new AppError("FORBIDDEN", SIGNUP_CLOSED_MESSAGE);
  const email = emailSchema.parse(opts.email);
  if (opts.invitation) {
    const inv = await getPendingInvitation({ token: opts.invitation });
    if (!inv)
      throw new AppError("FORBIDDEN", "This invitation is invalid, expired, or was already used. Ask the workspace owner for a new one.");
    if (inv.email !== email)
      throw new AppError("FORBIDDEN", `This invitation is for ${inv.email}. Sign up with that email to accept it.`, {
        fieldErrors: { email: [`The invitation is for ${inv.email}.`] },
      });
    return;
  }
  if (opts.external) {
    const pending = await db.invitation.findFirst({
      where: { email, acceptedAt: null, revokedAt: null, expiresAt: { gt: new Date() } },
      select: { id: true },
    });
    if (pending) return;
  }
  throw new AppError("FORBIDDEN", SIGNUP_INVITE_ONLY_MESSAGE);
}

/** What the sign-up page offers: the form, or the reason there is none (closed, or invite-only without an invitation). */
export async function signUpPageState(opts: { invitation?: string }): Promise<{ form: true } | { form: false; message: string }> {
  const mode = signupMode();
  if (mode === "open" || (await isFreshServer())) return { form: true };
  if (mode === "closed") return { form: false, message: SIGNUP_CLOSED_MESSAGE };
  return opts.invitation ? { form: true } : { form: false, message: SIGNUP_INVITE_ONLY_MESSAGE };
}
