import { randomBytes } from "node:crypto";
import type { Prisma } from "@/lib/generated/prisma/client";
import type { Role } from "@/lib/generated/prisma/enums";
import { db } from "@/lib/db";
import { SAMPLE_JOB_INPUTS, SAMPLE_JOB_SETTINGS } from "@/lib/jobs/sample-job-snapshot";
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

/**
 * A job row as invoke stores it, of endpoint `scorer` (made on first use) and deployment blue v1, with
 * the sample snapshot unless `data` says otherwise: for tests of what reads stored jobs back.
 */
export async function createStoredJob(workspaceId: string, data: { name: string } & Partial<Prisma.JobUncheckedCreateInput>) {
  const endpoint =
    (await db.endpoint.findFirst({ where: { workspaceId, name: "scorer" } })) ??
    (await db.endpoint.create({ data: { workspaceId, name: "scorer" } }));
  return db.job.create({
    data: {
      workspaceId,
      endpointId: endpoint.id,
      endpointName: endpoint.name,
      deploymentName: "blue",
      deploymentVersion: 1,
      inputs: SAMPLE_JOB_INPUTS,
      settings: SAMPLE_JOB_SETTINGS,
      outputPath: "datastores/workspaceblobstore/paths/out/",
      outputFileName: "predictions.csv",
      ...data,
    },
  });
}
