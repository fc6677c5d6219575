import bcrypt from "bcryptjs";

const COST = 11;

export function hashPassword(password: string): Promise<string> {
  return bcrypt.hash(password, COST);
}

export function verifyPassword(password: string, hash: string): Promise<boolean> {
  return bcrypt.compare(password, hash);
}

// Compared against when the user does not exist, so both paths cost the same time.
export const DUMMY_HASH = "$2b$11$C6UzMDM.H6dfI/f/IKcEeO5R3s1cfvv7HV8zCHxnH8Jzv6uyYbq2a";
