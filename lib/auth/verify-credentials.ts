import "server-only";
import { db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { emailSchema } from "@/lib/validation";
import { DUMMY_HASH, verifyPassword } from "./password";
import { clearFailures, lockedFor, recordFailure } from "./throttle";

export const INVALID_CREDENTIALS = "Email or password is incorrect.";

/**
 * Checks an email and password. Every failure says the same thing, whether or not the account
 * exists; repeated failures for one email lock it out for a while.
 */
export async function verifyCredentials(opts: { email: string; password: string }) {
  const parsed = emailSchema.safeParse(opts.email);
  if (!parsed.success || !opts.password) throw new AppError("UNAUTHENTICATED", INVALID_CREDENTIALS);
  const email = parsed.data;
  const key = `email:${email}`;
  const wait = await lockedFor(key);
  if (wait > 0) {
    throw new AppError("RATE_LIMITED", `Too many failed sign-in attempts. Try again in ${Math.ceil(wait / 60000)} minutes.`);
  }
  const user = await db.user.findUnique({ where: { email }, select: { id: true, email: true, name: true, passwordHash: true } });
  const ok = await verifyPassword(opts.password, user?.passwordHash ?? DUMMY_HASH);
  if (!user || !user.passwordHash || !ok) {
    await recordFailure(key);
    throw new AppError("UNAUTHENTICATED", INVALID_CREDENTIALS);
  }
  await clearFailures(key);
  return { id: user.id, email: user.email, name: user.name };
}
