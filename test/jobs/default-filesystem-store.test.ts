import { existsSync, rmSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// The embedded setup (scripts/run.ts without AZURE_STORAGE_CONNECTION_STRING) sets this before lib/env.ts is read.
process.env.BATCHPOINT_DEFAULT_DATASTORE = "filesystem";
const { getDefaultStorageTarget, getDatastoreOrThrow } = await import("@/lib/datastores/datastores");
const { ensureWorkspaceContainers } = await import("@/lib/bootstrap/ensure-containers");
const { outputPrefix } = await import("@/lib/jobs/finalize-job");
const { startJob } = await import("@/lib/jobs/job-commands");
const { readBlobText } = await import("@/lib/storage");
const { storeDir } = await import("@/lib/storage/filesystem");
const { startFunctionsServer } = await import("../support/functions-server");
const { deploymentFixture, PYTHON, uploadTexts, waitForJob } = await import("../support/jobs");

let functions: Awaited<ReturnType<typeof startFunctionsServer>>;
beforeAll(async () => {
  functions = await startFunctionsServer();
});
afterAll(async () => functions?.close());

describe("BATCHPOINT_DEFAULT_DATASTORE=filesystem", () => {
  it("gives a new workspace a local workspaceblobstore that jobs read in place, and its folder is restored at start", async () => {
    const fx = await deploymentFixture({
      code: { files: { "score.py": "def init(): pass\ndef run(batch):\n    return [p + '=' + open(p).read() for p in batch]\n" } },
      scoringScript: "score.py",
      interpreter: PYTHON,
    });
    expect(await getDatastoreOrThrow({ workspaceId: fx.workspace.id, name: "workspaceblobstore" })).toMatchObject({
      kind: "filesystem",
      containerName: "workspaceblobstore",
      isDefault: true,
    });
    const target = await getDefaultStorageTarget(fx.workspace.id);
    expect(target).toMatchObject({ auth: "filesystem", workspaceId: fx.workspace.id, folder: "workspaceblobstore" });
    await uploadTexts(target, "nums/", 3);
    const { job } = await startJob({
      workspaceId: fx.workspace.id,
      actor: fx.actor,
      endpointName: "scorer",
      input: { input: { type: "uri_folder", path: "azureml://datastores/workspaceblobstore/paths/nums/" } },
    });
    expect(await waitForJob(job.id)).toMatchObject({ status: "completed", filesCompleted: 3 });
    const lines = (await readBlobText(target, `${outputPrefix(job.outputPath)}predictions.csv`)).trim().split("\n");
    expect(lines).toEqual([0, 1, 2].map((i) => `/batchpoint/datastores/workspaceblobstore/nums/00${i}.txt=${i}`));

    const folder = storeDir(target as { auth: "filesystem"; workspaceId: string; folder: string });
    rmSync(folder, { recursive: true, force: true });
    await ensureWorkspaceContainers();
    expect(existsSync(folder)).toBe(true);
  });
});
