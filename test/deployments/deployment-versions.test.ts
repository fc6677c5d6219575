import { describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import {
  findDeploymentVersions,
  MASK,
  readDeploymentVersionCode,
  restoreDeploymentVersion,
  updateDeployment,
} from "@/lib/deployments/manage-deployment";
import { createUserWithWorkspace } from "../support/factories";
import { deploymentFixture } from "../support/jobs";

describe("deployment versions", () => {
  it("records each version's code and settings when it is saved (never when it is viewed), and restores an earlier one as a new version with its secrets", async () => {
    const { workspace, actor } = await deploymentFixture({
      code: { files: { "score.py": "def init(): pass\ndef run(b): return b  # v1\n" } },
      scoringScript: "score.py",
      settings: { miniBatchSize: 7, environmentVariables: { API_KEY: "s3cret" } },
    });
    const ref = { workspaceId: workspace.id, endpointName: "scorer", name: "blue" };
    expect((await findDeploymentVersions(ref)).map((v) => v.version)).toEqual([1]);
    await updateDeployment({
      ...ref,
      actor,
      input: {
        code: { files: { "score.py": "def init(): pass\ndef run(b): return []  # v2\n" } },
        settings: { miniBatchSize: 3, environmentVariables: { API_KEY: "other" } },
      },
    });
    // A change of description alone is not a new version.
    await updateDeployment({ ...ref, actor, input: { description: "same code" } });

    const versions = await findDeploymentVersions(ref);
    expect(versions.map((v) => [v.version, v.current, v.settings.miniBatchSize])).toEqual([
      [2, true, 3],
      [1, false, 7],
    ]);
    expect(versions[1].settings.environmentVariables).toEqual({ API_KEY: MASK }); // never the secret
    expect((await readDeploymentVersionCode({ ...ref, version: 1 })).files["score.py"]).toContain("# v1");
    expect((await readDeploymentVersionCode({ ...ref, version: 2 })).files["score.py"]).toContain("# v2");

    const restored = await restoreDeploymentVersion({ ...ref, actor, version: 1 });
    expect(restored).toMatchObject({ version: 3, settings: { miniBatchSize: 7 } });
    const row = await db.deployment.findFirstOrThrow({ where: { workspaceId: workspace.id, name: "blue" } });
    expect(row.environmentVariables).toEqual({ API_KEY: "s3cret" });
    expect((await readDeploymentVersionCode({ ...ref, version: 3 })).files["score.py"]).toContain("# v1");
    expect((await findDeploymentVersions(ref)).map((v) => v.version)).toEqual([3, 2, 1]);
    await expect(restoreDeploymentVersion({ ...ref, actor, version: 3 })).rejects.toThrow(/already the current version/);
    await expect(restoreDeploymentVersion({ ...ref, actor, version: 9 })).rejects.toThrow(/not found/i);
    const audit = await db.auditEvent.findFirst({ where: { workspaceId: workspace.id, action: "deployment.version_restored" } });
    expect(audit?.metadata).toMatchObject({ from: 1, version: 3 });
  });

  it("finds, reads and restores nothing of another workspace's deployment", async () => {
    const { workspace } = await deploymentFixture({
      code: { files: { "score.py": "def init(): pass\ndef run(b): return b\n" } },
      scoringScript: "score.py",
    });
    const other = await createUserWithWorkspace("intruder");
    const ref = { workspaceId: other.workspace.id, endpointName: "scorer", name: "blue" };
    await expect(findDeploymentVersions(ref)).rejects.toThrow(/not found/i);
    await expect(readDeploymentVersionCode({ ...ref, version: 1 })).rejects.toThrow(/not found/i);
    await expect(restoreDeploymentVersion({ ...ref, actor: { userId: other.user.id }, version: 1 })).rejects.toThrow(/not found/i);
    expect((await db.deployment.findFirstOrThrow({ where: { workspaceId: workspace.id, name: "blue" } })).version).toBe(1);
  });
});
