import { describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { MASK, updateDeployment } from "@/lib/deployments/manage-deployment";
import { updateEndpoint } from "@/lib/endpoints/manage-endpoint";
import { deploymentFixture } from "../support/jobs";

describe("updating a deployment", () => {
  it("changes only what it names, keeps masked secrets, and makes a new version only when what runs changes", async () => {
    const { workspace, actor } = await deploymentFixture({
      code: { files: { "score.py": "def init(): pass\ndef run(b): return b\n" } },
      scoringScript: "score.py",
      settings: { miniBatchSize: 7, instanceCount: 2, environmentVariables: { API_KEY: "s3cret", MODE: "fast" } },
    });
    const base = { workspaceId: workspace.id, actor, endpointName: "scorer", name: "blue" };

    const v2 = await updateDeployment({
      ...base,
      input: { settings: { instanceCount: 3, environmentVariables: { API_KEY: MASK, MODE: "slow" } } },
    });
    expect(v2).toMatchObject({
      version: 2,
      settings: { miniBatchSize: 7, instanceCount: 3, environmentVariables: { API_KEY: MASK, MODE: "slow" } },
    });
    const row = await db.deployment.findFirstOrThrow({ where: { workspaceId: workspace.id, name: "blue" } });
    expect(row.environmentVariables).toEqual({ API_KEY: "s3cret", MODE: "slow" });

    const same = await updateDeployment({ ...base, input: { description: "just words", setDefault: true } });
    expect(same.version).toBe(2);

    await updateEndpoint({ workspaceId: workspace.id, actor, name: "scorer", input: { tags: { team: "risk" } } });
    const e = await updateEndpoint({ workspaceId: workspace.id, actor, name: "scorer", input: { description: "changed" } });
    expect(e.tags).toEqual({ team: "risk" });
  });
});
