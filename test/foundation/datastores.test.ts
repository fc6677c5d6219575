import { describe, expect, it } from "vitest";
import { createDatastore, findDatastores, getStorageTargetOrThrow } from "@/lib/datastores/datastores";
import { db } from "@/lib/db";
import { ensureContainer, readBlobText, uploadBlob } from "@/lib/storage";
import { createUserWithWorkspace } from "../support/factories";

// A tenant's own storage account on the test Azurite (the platform's account cannot be a datastore).
const azurite = () => process.env.TEST_TENANT_STORAGE_CONNECTION_STRING!;

describe("registering a datastore", () => {
  it("checks the credentials, stores them encrypted and never returns them", async () => {
    const { user, workspace } = await createUserWithWorkspace("ds");
    await ensureContainer({ auth: "connection_string", containerName: "team-data", credential: azurite() });
    const ds = await createDatastore({
      workspaceId: workspace.id,
      actor: { userId: user.id },
      input: { auth: "connection_string", name: "team_data", containerName: "team-data", connectionString: azurite() },
    });
    expect(JSON.stringify(ds)).not.toContain("AccountKey");
    expect(JSON.stringify(await findDatastores({ workspaceId: workspace.id }))).not.toContain("AccountKey");

    const row = await db.datastore.findUniqueOrThrow({ where: { id: ds.id }, select: { credentialCiphertext: true } });
    expect(row.credentialCiphertext).toMatch(/^v1:/);
    expect(row.credentialCiphertext).not.toContain("AccountKey");

    const target = await getStorageTargetOrThrow({ workspaceId: workspace.id, name: "team_data" });
    await uploadBlob(target, "in/1.txt", "one");
    expect(await readBlobText(target, "in/1.txt")).toBe("one");
  });

  it("refuses a container it cannot reach, naming the field, and stores nothing", async () => {
    const { user, workspace } = await createUserWithWorkspace("ds-bad");
    await expect(
      createDatastore({
        workspaceId: workspace.id,
        actor: { userId: user.id },
        input: { auth: "connection_string", name: "missing", containerName: "does-not-exist", connectionString: azurite() },
      }),
    ).rejects.toMatchObject({ code: "BAD_REQUEST", details: { fieldErrors: { containerName: ["The container does not exist."] } } });
    expect((await findDatastores({ workspaceId: workspace.id })).map((d) => d.name)).toEqual(["workspaceblobstore"]);
  });

  it("refuses a duplicate name and invalid names with field errors", async () => {
    const { user, workspace } = await createUserWithWorkspace("ds-dup");
    const input = {
      auth: "connection_string" as const,
      name: "workspaceblobstore",
      containerName: "whatever",
      connectionString: azurite(),
    };
    await expect(
      createDatastore({ workspaceId: workspace.id, actor: { userId: user.id }, input, skipConnectionTest: true }),
    ).rejects.toMatchObject({
      code: "CONFLICT",
      details: { fieldErrors: { name: [expect.stringContaining("already exists")] } },
    });
    // A filesystem datastore goes through the same insert: a taken name is the same 409, and no second audit row.
    await expect(
      createDatastore({ workspaceId: workspace.id, actor: { userId: user.id }, input: { kind: "filesystem", name: "workspaceblobstore" } }),
    ).rejects.toMatchObject({ code: "CONFLICT", details: { fieldErrors: { name: [expect.stringContaining("already exists")] } } });
    expect(await db.auditEvent.count({ where: { workspaceId: workspace.id, action: "datastore.created" } })).toBe(0);
    await expect(
      createDatastore({
        workspaceId: workspace.id,
        actor: { userId: user.id },
        input: { ...input, name: "9bad name" },
        skipConnectionTest: true,
      }),
    ).rejects.toThrow(/letters, digits and underscores/);
  });
});
