import { describe, expect, it } from "vitest";
import { createApiToken, findApiTokens, revokeApiToken } from "@/lib/api-tokens/api-tokens";
import { findAuditEvents } from "@/lib/audit/find-audit-events";
import { findDatastores, getDatastoreOrThrow, getStorageTargetOrThrow } from "@/lib/datastores/datastores";
import { db } from "@/lib/db";
import { findEndpoints, getEndpointOrThrow } from "@/lib/endpoints/find-endpoints";
import { findJobList } from "@/lib/jobs/find-job-list";
import { getJobOrThrow } from "@/lib/jobs/find-jobs";
import { findMembers, findPendingInvitations } from "@/lib/members/find-members";
import { inviteMember } from "@/lib/members/invite-member";
import { removeMember, revokeInvitation, updateMemberRole } from "@/lib/members/manage-members";
import { findModels, getModelOrThrow } from "@/lib/models/find-models";
import { getWorkspaceContextOrThrow } from "@/lib/workspaces/get-membership";
import { addMember, createUserWithWorkspace } from "../support/factories";

async function seed(workspaceId: string) {
  const endpoint = await db.endpoint.create({ data: { workspaceId, name: "fraud-scorer" } });
  await db.model.create({ data: { workspaceId, name: "fraud-model" } });
  await db.job.create({
    data: {
      workspaceId,
      name: "job-a-1",
      endpointId: endpoint.id,
      endpointName: endpoint.name,
      deploymentName: "blue",
      deploymentVersion: 1,
      inputs: {},
      settings: {},
      outputPath: "o/",
      outputFileName: "predictions.csv",
    },
  });
  await db.datastore.create({ data: { workspaceId, name: "secretstore", auth: "platform", containerName: "c-secret" } });
}

describe("tenant isolation in the domain layer", async () => {
  const a = await createUserWithWorkspace("tenant-a");
  const b = await createUserWithWorkspace("tenant-b");
  await seed(a.workspace.id);
  const actorB = { userId: b.user.id };
  const ws = b.workspace.id;

  it("hides workspace A from B's membership lookup", async () => {
    await expect(getWorkspaceContextOrThrow({ slug: a.workspace.slug, userId: b.user.id })).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it.each([
    ["datastore", () => getDatastoreOrThrow({ workspaceId: ws, name: "secretstore" })],
    ["datastore credentials", () => getStorageTargetOrThrow({ workspaceId: ws, name: "secretstore" })],
    ["endpoint", () => getEndpointOrThrow({ workspaceId: ws, name: "fraud-scorer" })],
    ["model", () => getModelOrThrow({ workspaceId: ws, name: "fraud-model" })],
    ["job", () => getJobOrThrow({ workspaceId: ws, name: "job-a-1" })],
  ])("reports A's %s as not found to B", async (_what, get) => {
    await expect(get()).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("lists none of A's rows in B's lists", async () => {
    expect((await findEndpoints({ workspaceId: ws })).count).toBe(0);
    expect((await findModels({ workspaceId: ws })).count).toBe(0);
    expect((await findJobList({ workspaceId: ws })).count).toBe(0);
    expect((await findDatastores({ workspaceId: ws })).map((d) => d.name)).toEqual(["workspaceblobstore"]);
    expect((await findMembers({ workspaceId: ws })).map((m) => m.user.id)).toEqual([b.user.id]);
    expect((await findAuditEvents({ workspaceId: ws })).data.every((e) => e.workspaceId === ws)).toBe(true);
  });

  it("refuses B's changes to A's members, invitations and tokens, and leaves them as they were", async () => {
    const member = await addMember(a.workspace.id, "reader");
    const [membership] = (await findMembers({ workspaceId: a.workspace.id })).filter((m) => m.user.id === member.id);
    const { invitation } = await inviteMember({
      workspaceId: a.workspace.id,
      actor: { userId: a.user.id },
      baseUrl: "http://x",
      email: "someone@example.test",
      role: "reader",
    });
    const { apiToken } = await createApiToken({
      workspaceId: a.workspace.id,
      actor: { userId: a.user.id },
      name: "a-token",
      role: "owner",
    });

    await expect(updateMemberRole({ workspaceId: ws, actor: actorB, membershipId: membership.id, role: "owner" })).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
    await expect(removeMember({ workspaceId: ws, actor: actorB, membershipId: membership.id })).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
    await expect(revokeInvitation({ workspaceId: ws, actor: actorB, invitationId: invitation.id })).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
    await expect(revokeApiToken({ workspaceId: ws, actor: actorB, tokenId: apiToken.id })).rejects.toMatchObject({ code: "NOT_FOUND" });

    expect((await getWorkspaceContextOrThrow({ slug: a.workspace.slug, userId: member.id })).role).toBe("reader");
    expect((await findPendingInvitations({ workspaceId: a.workspace.id })).map((i) => i.id)).toContain(invitation.id);
    expect((await findApiTokens({ workspaceId: a.workspace.id })).map((t) => t.id)).toContain(apiToken.id);
  });
});
