import bcrypt from "bcryptjs";
import { EnvError, envSchema } from "@/lib/env";

/**
 * The cost of new hashes: BATCHPOINT_PASSWORD_HASH_COST (default 11, 4-15; the server checks it at start with
 * the rest of lib/env.ts). Read on its own, so code that hashes needs no complete server environment.
 */
export function passwordHashCost(source: Record<string, string | undefined> = process.env): number {
  const parsed = envSchema.shape.BATCHPOINT_PASSWORD_HASH_COST.safeParse(source.BATCHPOINT_PASSWORD_HASH_COST || undefined);
  if (!parsed.success) throw new EnvError([`BATCHPOINT_PASSWORD_HASH_COST ${parsed.error.issues[0].message}`]);
  return parsed.data;
}

export function hashPassword(password: string): Promise<string> {
  return bcrypt.hash(password, passwordHashCost());
}

export function verifyPassword(password: string, hash: string): Promise<boolean> {
  return bcrypt.compare(password, hash);
}

// A hash at the default cost 11, compared against when the user does not exist, so both paths cost the same time.
export const DUMMY_HASH = "$2b$11$C6UzMDM.H6dfI/f/IKcEeO5R3s1cfvv7HV8zCHxnH8Jzv6uyYbq2a";

let dummyAtCost: Promise<string> | undefined;

/**
 * The hash compared against when the user does not exist: made at the configured cost, so a missing
 * account costs what an account hashed by this server costs (at a lower cost, the cost-11 constant
 * would make "no such user" the slow answer).
 */
export function dummyHash(): Promise<string> {
  const cost = passwordHashCost();
  if (cost === 11) return Promise.resolve(DUMMY_HASH);
  dummyAtCost ??= bcrypt.hash("batchpoint-dummy-password", cost);
  return dummyAtCost;
}
