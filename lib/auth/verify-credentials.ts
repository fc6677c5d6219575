import "server-only";
import { db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { emailSchema } from "@/lib/validation";
import { dummyHash, verifyPassword } from "./password";
import { admitSignInAttempt, clearSignInFailures, describeWait, SignInThrottled } from "./throttle";

export const INVALID_CREDENTIALS = "Email or password is incorrect.";

/**
 * Checks an email and password from a client `address`. Every failure says the same thing, whether
 * or not the account exists. The attempt is counted and admitted (lib/auth/throttle.ts) before the
 * password is checked: repeated guesses wait longer and longer, per address and per account.
 */
export async function verifyCredentials(opts: { email: string; password: string; address?: string }) {
  const parsed = emailSchema.safeParse(opts.email);
  if (!parsed.success || !opts.password) throw new AppError("UNAUTHENTICATED", INVALID_CREDENTIALS);
  const email = parsed.data;
  const throttleKey = { account: email, address: opts.address ?? "unknown" };
  try {
    await admitSignInAttempt(throttleKey);
  } catch (e) {
    if (e instanceof SignInThrottled)
      throw new AppError("RATE_LIMITED", `Too many sign-in attempts. Try again in ${describeWait(e.retryAfterMs)}.`, {
        retryAfterMs: e.retryAfterMs,
      });
    throw e;
  }
  const user = await db.user.findUnique({ where: { email }, select: { id: true, email: true, name: true, passwordHash: true } });
  const ok = await verifyPassword(opts.password, user?.passwordHash ?? (await dummyHash()));
  if (!user || !user.passwordHash || !ok) throw new AppError("UNAUTHENTICATED", INVALID_CREDENTIALS);
  await clearSignInFailures(throttleKey);
  return { id: user.id, email: user.email, name: user.name };
}
