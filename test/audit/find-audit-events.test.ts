import { describe, expect, it } from "vitest";
import { createApiToken, revokeApiToken } from "@/lib/api-tokens/api-tokens";
import { findAuditEvents, findAuditFilterOptions } from "@/lib/audit/find-audit-events";
import { db } from "@/lib/db";
import { createEndpoint } from "@/lib/endpoints/create-endpoint";
import { deleteEndpoint } from "@/lib/endpoints/manage-endpoint";
import { createUserWithWorkspace } from "../support/factories";

describe("the audit log", () => {
  it("filters by actor, action, resource and day, names tokens as actors and what each entry acted on, linking what still exists", async () => {
    const { user, workspace } = await createUserWithWorkspace("auditor");
    const ws = workspace.id;
    const me = { userId: user.id };
    const { apiToken: token } = await createApiToken({ workspaceId: ws, actor: me, name: "ci-pipeline", role: "owner" });
    const tokenActor = { tokenId: token.id };
    await createEndpoint({ workspaceId: ws, actor: me, input: { name: "kept" } });
    await createEndpoint({ workspaceId: ws, actor: tokenActor, input: { name: "by-token" } });
    await createEndpoint({ workspaceId: ws, actor: me, input: { name: "gone" } });
    await deleteEndpoint({ workspaceId: ws, actor: me, name: "gone" });
    await revokeApiToken({ workspaceId: ws, actor: me, tokenId: token.id });
    // An entry of last year, to filter by day.
    await db.auditEvent.create({
      data: {
        workspaceId: ws,
        actorUserId: user.id,
        action: "endpoint.created",
        targetType: "endpoint",
        metadata: { name: "old" },
        createdAt: new Date("2025-03-04T12:00:00Z"),
      },
    });

    const all = await findAuditEvents({ workspaceId: ws, perPage: 100 });
    const byAction = (a: string) => all.data.filter((e) => e.action === a);
    const kept = byAction("endpoint.created").find((e) => e.target.name === "kept")!;
    expect(kept.target).toMatchObject({ type: "endpoint", href: "/endpoints/kept" });
    expect(kept.actorEmail).toBe(user.email);
    const viaToken = byAction("endpoint.created").find((e) => e.target.name === "by-token")!;
    expect(viaToken).toMatchObject({ actorEmail: null, actorTokenName: "ci-pipeline" });
    // Deleted: named from what was recorded, no link.
    for (const e of all.data.filter((x) => x.target.name === "gone")) expect(e.target.href).toBeNull();
    expect(byAction("endpoint.deleted")).toHaveLength(1);
    // A revoked token still exists, so it is named and linked.
    expect(byAction("token.revoked")[0].target).toMatchObject({ name: "ci-pipeline", href: "/settings/tokens" });

    const tokenOnly = await findAuditEvents({ workspaceId: ws, actor: `token:${token.id}` });
    expect(tokenOnly.data.map((e) => [e.action, e.target.name])).toEqual([["endpoint.created", "by-token"]]);
    const endpointFamily = await findAuditEvents({ workspaceId: ws, action: "endpoint", perPage: 100 });
    expect(endpointFamily.count).toBe(5);
    const deletedOnly = await findAuditEvents({ workspaceId: ws, action: "endpoint.deleted" });
    expect(deletedOnly.data.map((e) => e.target.name)).toEqual(["gone"]);
    const tokens = await findAuditEvents({ workspaceId: ws, resource: "api_token" });
    expect(tokens.data.map((e) => e.action).sort()).toEqual(["token.created", "token.revoked"]);
    const march = await findAuditEvents({ workspaceId: ws, from: "2025-03-04", to: "2025-03-04" });
    expect(march.data.map((e) => e.target.name)).toEqual(["old"]);
    expect((await findAuditEvents({ workspaceId: ws, from: "2025-03-05", to: "2025-12-31" })).count).toBe(0);

    const options = await findAuditFilterOptions({ workspaceId: ws });
    expect(options.actors).toEqual(
      expect.arrayContaining([
        { value: `user:${user.id}`, label: user.email },
        { value: `token:${token.id}`, label: "token ci-pipeline (revoked)" },
      ]),
    );
    expect(options.actions).toEqual(expect.arrayContaining(["endpoint.created", "endpoint.deleted", "token.revoked"]));
    expect(options.resources).toEqual(expect.arrayContaining(["endpoint", "api_token"]));
  });

  it("never names another workspace's resource, token or filter choices", async () => {
    const a = await createUserWithWorkspace("audit-a");
    const b = await createUserWithWorkspace("audit-b");
    const endpoint = await createEndpoint({ workspaceId: b.workspace.id, actor: { userId: b.user.id }, input: { name: "secret-b" } });
    const { apiToken: token } = await createApiToken({
      workspaceId: b.workspace.id,
      actor: { userId: b.user.id },
      name: "b-token",
      role: "owner",
    });
    // An entry in A that points at B's endpoint and token (as a corrupted or forged row would).
    await db.auditEvent.create({
      data: {
        workspaceId: a.workspace.id,
        actorTokenId: token.id,
        action: "endpoint.updated",
        targetType: "endpoint",
        targetId: endpoint.id,
      },
    });
    const log = await findAuditEvents({ workspaceId: a.workspace.id, action: "endpoint.updated" });
    expect(log.data).toHaveLength(1);
    expect(log.data[0].target).toMatchObject({ name: null, href: null });
    expect(log.data[0].actorTokenName).toBeNull();
    const options = await findAuditFilterOptions({ workspaceId: a.workspace.id });
    expect(options.actors.map((x) => x.label)).not.toContain("token b-token");
    expect(JSON.stringify(options)).not.toContain("secret-b");
  });
});
