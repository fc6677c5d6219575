import "server-only";
import { z } from "zod";
import { db } from "@/lib/db";
import { fieldError, isUniqueViolation } from "@/lib/errors";
import { emailSchema, passwordSchema } from "@/lib/validation";
import { hashPassword } from "@/lib/auth/password";
import { createWorkspace } from "@/lib/workspaces/create-workspace";
import { assertSignUpAllowed } from "./signup-policy";

export const signUpSchema = z.object({
  name: z.string().trim().min(1, "Enter your name.").max(80, "Use at most 80 characters."),
  email: emailSchema,
  password: passwordSchema,
});
export type SignUpInput = z.infer<typeof signUpSchema>;

// Creates an account and its personal workspace (unless `personalWorkspace` is false, as when joining by invitation), if BATCHPOINT_SIGNUP allows it.
export async function signUp(input: SignUpInput & { personalWorkspace?: boolean; invitation?: string }) {
  const { name, email, password } = signUpSchema.parse(input);
  await assertSignUpAllowed({ email, invitation: input.invitation });
  const passwordHash = await hashPassword(password);
  let user;
  try {
    user = await db.user.create({ data: { email, name, passwordHash }, select: { id: true, email: true, name: true } });
  } catch (e) {
    if (isUniqueViolation(e)) throw fieldError("email", "An account with this email already exists. Sign in instead.", "CONFLICT");
    throw e;
  }
  const workspace =
    input.personalWorkspace === false ? null : await createWorkspace({ name: `${name.split(" ")[0]}'s workspace`, ownerUserId: user.id });
  return { user, workspace };
}
