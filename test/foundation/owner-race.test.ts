import { afterAll, describe, expect, it } from "vitest";
import { applyMigrations } from "../../prisma/migrate";
import { postgresReachable, scratchPostgresDatabase } from "../support/postgres-server";

// Real concurrency needs a real server: PGlite serves one connection at a time, so the race cannot
// happen there. The race runs in a scratch database on PostgreSQL (see ../support/postgres-server).
const onPostgres = await postgresReachable();
const scratch = onPostgres ? await scratchPostgresDatabase() : undefined;
if (scratch) {
  await applyMigrations(scratch.url);
  process.env.DATABASE_URL = scratch.url;
}
const { db } = await import("@/lib/db");
const { removeMember, updateMemberRole } = await import("@/lib/members/manage-members");
const { createUserWithWorkspace, uniqueEmail } = await import("../support/factories");
afterAll(async () => {
  await db.$disconnect();
  await scratch?.drop();
});

/** A workspace with two owners, written directly (sign-up's password hashing would dominate the test's time). */
async function twoOwners(round: number) {
  const workspace = await db.workspace.create({
    data: { slug: `race-${round}-${Math.random().toString(36).slice(2, 8)}`, name: `race ${round}` },
  });
  const [first, second] = await Promise.all(
    ["a", "b"].map((l) => db.user.create({ data: { email: uniqueEmail(`race${round}${l}`), name: l } })),
  );
  await db.membership.createMany({
    data: [first, second].map((u) => ({ workspaceId: workspace.id, userId: u.id, role: "owner" as const })),
  });
  return { workspace, first, second };
}

describe.runIf(onPostgres)("owners changing each other's roles at the same moment (PostgreSQL)", () => {
  it("never leaves a workspace without an owner: 20 rounds of mutual demotion and removal", async () => {
    for (let round = 0; round < 20; round++) {
      const { workspace, first, second } = await twoOwners(round);
      const [a, b] = await Promise.all(
        [first, second].map((u) => db.membership.findFirstOrThrow({ where: { workspaceId: workspace.id, userId: u.id } })),
      );
      // Each owner demotes (even rounds) or removes (odd rounds) the other, at the same moment.
      const results = await Promise.allSettled(
        round % 2 === 0
          ? [
              updateMemberRole({ workspaceId: workspace.id, actor: { userId: first.id }, membershipId: b.id, role: "reader" }),
              updateMemberRole({ workspaceId: workspace.id, actor: { userId: second.id }, membershipId: a.id, role: "reader" }),
            ]
          : [
              removeMember({ workspaceId: workspace.id, actor: { userId: first.id }, membershipId: b.id }),
              removeMember({ workspaceId: workspace.id, actor: { userId: second.id }, membershipId: a.id }),
            ],
      );
      expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
      expect((results.find((r) => r.status === "rejected") as PromiseRejectedResult).reason).toMatchObject({
        code: "CONFLICT",
        message: "A workspace needs at least one owner. Make someone else an owner first.",
      });
      expect(await db.membership.count({ where: { workspaceId: workspace.id, role: "owner" } })).toBe(1);
    }
  }, 180_000);
});

describe("the last owner", () => {
  it("cannot be demoted or removed, one request at a time", async () => {
    const { user, workspace } = await createUserWithWorkspace("lone");
    const m = await db.membership.findFirstOrThrow({ where: { workspaceId: workspace.id, userId: user.id } });
    await expect(
      updateMemberRole({ workspaceId: workspace.id, actor: { userId: user.id }, membershipId: m.id, role: "reader" }),
    ).rejects.toMatchObject({ code: "CONFLICT" });
    await expect(removeMember({ workspaceId: workspace.id, actor: { userId: user.id }, membershipId: m.id })).rejects.toMatchObject({
      code: "CONFLICT",
    });
    expect(await db.membership.count({ where: { workspaceId: workspace.id, role: "owner" } })).toBe(1);
  });
});
