import { randomBytes } from "node:crypto";
import type { Role } from "@/lib/generated/prisma/enums";
import { db } from "@/lib/db";
import { signUp } from "@/lib/users/sign-up";

export const uniqueEmail = (label = "user") => `${label}-${randomBytes(4).toString("hex")}@example.test`;

/** A fresh user with a personal workspace, as after sign-up. */
export async function createUserWithWorkspace(label = "user") {
  const { user, workspace } = await signUp({ name: `${label} tester`, email: uniqueEmail(label), password: "correct horse battery" });
  return { user, workspace: workspace! };
}

/** Adds a new user to a workspace with the given role. */
export async function addMember(workspaceId: string, role: Role, label = role) {
  const { user } = await signUp({ name: label, email: uniqueEmail(label), password: "correct horse battery", personalWorkspace: false });
  await db.membership.create({ data: { workspaceId, userId: user.id, role } });
  return user;
}
