import { describe, expect, it, vi } from "vitest";
import { authenticateApiToken, createApiToken, findApiTokens, revokeApiToken } from "@/lib/api-tokens/api-tokens";
import { verifyCredentials } from "@/lib/auth/verify-credentials";
import { ensureAdmin } from "@/lib/bootstrap/ensure-admin";
import { db } from "@/lib/db";
import { acceptInvitation, getPendingInvitation } from "@/lib/members/accept-invitation";
import { findMembers } from "@/lib/members/find-members";
import { inviteMember } from "@/lib/members/invite-member";
import { removeMember, updateMemberRole } from "@/lib/members/manage-members";
import { blobExists, readBlobText, uploadBlob } from "@/lib/storage";
import { getStorageTargetOrThrow } from "@/lib/datastores/datastores";
import { signUp } from "@/lib/users/sign-up";
import { getWorkspaceContextOrThrow } from "@/lib/workspaces/get-membership";
import { createUserWithWorkspace, uniqueEmail } from "../support/factories";

describe("sign-up", () => {
  it("creates a personal workspace the user owns, with a working workspaceblobstore", async () => {
    const { user, workspace } = await createUserWithWorkspace("alice");
    const ctx = await getWorkspaceContextOrThrow({ slug: workspace.slug, userId: user.id });
    expect(ctx.role).toBe("owner");
    const target = await getStorageTargetOrThrow({ workspaceId: workspace.id, name: "workspaceblobstore" });
    await uploadBlob(target, "hello/world.txt", "hi");
    expect(await readBlobText(target, "hello/world.txt")).toBe("hi");
  });

  it("refuses a second account with the same email, naming the field", async () => {
    const email = uniqueEmail("dup");
    await signUp({ name: "A", email, password: "long enough pw" });
    await expect(signUp({ name: "B", email: email.toUpperCase(), password: "long enough pw" })).rejects.toMatchObject({
      code: "CONFLICT",
      details: { fieldErrors: { email: [expect.stringContaining("already exists")] } },
    });
  });
});

describe("sign-in", () => {
  it("gives the same message for a wrong password and an unknown email, and slows down repeated failures", async () => {
    const email = uniqueEmail("locked");
    await signUp({ name: "L", email, password: "the right password" });
    const wrong = await verifyCredentials({ email, password: "nope" }).catch((e) => e.message);
    const unknown = await verifyCredentials({ email: uniqueEmail("ghost"), password: "nope" }).catch((e) => e.message);
    expect(wrong).toBe(unknown);
    // Five free attempts, a sixth that opens the first backoff window, then the address must wait;
    // the clock stands still so the window cannot lapse on a slow machine (test/security/web.test.ts has the rest).
    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() });
    try {
      for (let i = 0; i < 5; i++) await verifyCredentials({ email, password: "nope" }).catch(() => {});
      await expect(verifyCredentials({ email, password: "the right password" })).rejects.toMatchObject({ code: "RATE_LIMITED" });
    } finally {
      vi.useRealTimers();
    }
  });

  it("accepts the right password", async () => {
    const email = uniqueEmail("ok");
    await signUp({ name: "O", email, password: "the right password" });
    await expect(verifyCredentials({ email: ` ${email.toUpperCase()} `, password: "the right password" })).resolves.toMatchObject({
      email,
    });
  });
});

describe("invitations", () => {
  it("lets the invited email join once with the invited role", async () => {
    const { user: owner, workspace } = await createUserWithWorkspace("owner");
    const inviteeEmail = uniqueEmail("invitee");
    const { token, url } = await inviteMember({
      workspaceId: workspace.id,
      actor: { userId: owner.id },
      baseUrl: "http://x",
      email: inviteeEmail,
      role: "scientist",
    });
    expect(url).toBe(`http://x/invite/${token}`);
    const { user: invitee } = await signUp({ name: "I", email: inviteeEmail, password: "long enough pw", personalWorkspace: false });
    await acceptInvitation({ token, userId: invitee.id });
    expect((await getWorkspaceContextOrThrow({ slug: workspace.slug, userId: invitee.id })).role).toBe("scientist");
    expect(await getPendingInvitation({ token })).toBeNull();
    await expect(acceptInvitation({ token, userId: invitee.id })).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("refuses an invitation meant for another email", async () => {
    const { user: owner, workspace } = await createUserWithWorkspace("owner2");
    const { token } = await inviteMember({
      workspaceId: workspace.id,
      actor: { userId: owner.id },
      baseUrl: "http://x",
      email: uniqueEmail("meant"),
      role: "reader",
    });
    const { user: other } = await createUserWithWorkspace("other");
    await expect(acceptInvitation({ token, userId: other.id })).rejects.toMatchObject({ code: "FORBIDDEN" });
  });

  it("never leaves a workspace without an owner", async () => {
    const { user: owner, workspace } = await createUserWithWorkspace("solo");
    const [m] = await findMembers({ workspaceId: workspace.id });
    expect(m.user.id).toBe(owner.id);
    await expect(
      updateMemberRole({ workspaceId: workspace.id, actor: { userId: owner.id }, membershipId: m.id, role: "reader" }),
    ).rejects.toMatchObject({ code: "CONFLICT" });
    await expect(removeMember({ workspaceId: workspace.id, actor: { userId: owner.id }, membershipId: m.id })).rejects.toMatchObject({
      code: "CONFLICT",
    });
  });
});

describe("API tokens", () => {
  it("are stored hashed, authenticate with their role, record last use, and stop working when revoked", async () => {
    const { user, workspace } = await createUserWithWorkspace("tok");
    const { token, apiToken } = await createApiToken({
      workspaceId: workspace.id,
      actor: { userId: user.id },
      name: "ci",
      role: "scientist",
    });
    const stored = await db.apiToken.findUniqueOrThrow({ where: { id: apiToken.id }, select: { tokenHash: true } });
    expect(stored.tokenHash).not.toContain(token);
    const principal = await authenticateApiToken(token);
    expect(principal).toMatchObject({ role: "scientist", workspace: { id: workspace.id } });
    expect((await findApiTokens({ workspaceId: workspace.id }))[0].lastUsedAt).not.toBeNull();
    await revokeApiToken({ workspaceId: workspace.id, actor: { userId: user.id }, tokenId: apiToken.id });
    expect(await authenticateApiToken(token)).toBeNull();
  });
});

describe("bootstrap", () => {
  it("ensures the admin owner and the exact admin token in workspace 'default', idempotently", async () => {
    const email = uniqueEmail("admin");
    const token = `bp_${"x".repeat(30)}`;
    await ensureAdmin({ email, password: "admin password", token });
    await ensureAdmin({ email, password: "admin password", token });
    const principal = await authenticateApiToken(token);
    expect(principal).toMatchObject({ role: "owner", workspace: { slug: "default" } });
    const user = await verifyCredentials({ email, password: "admin password" });
    expect((await getWorkspaceContextOrThrow({ slug: "default", userId: user.id })).role).toBe("owner");
    expect(await db.apiToken.count({ where: { workspaceId: principal!.workspace.id, name: { startsWith: "admin" } } })).toBe(1);
    const target = await getStorageTargetOrThrow({ workspaceId: principal!.workspace.id, name: "workspaceblobstore" });
    await uploadBlob(target, "a.txt", "a");
    expect(await blobExists(target, "a.txt")).toBe(true);
  });
});
