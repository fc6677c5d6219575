import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { getDefaultStorageTarget } from "@/lib/datastores/datastores";
import { db } from "@/lib/db";
import { createDeployment, type CreateDeploymentInput } from "@/lib/deployments/create-deployment";
import { createEndpoint } from "@/lib/endpoints/create-endpoint";
import { startJob } from "@/lib/jobs/job-commands";
import { type StorageTarget, uploadBlob } from "@/lib/storage";
import { createUserWithWorkspace } from "./factories";
import { TEST_WAIT_MS } from "./wait";

export const PYTHON = "/usr/bin/python3";

/** A workspace with one endpoint and one deployment of the given code. */
export async function deploymentFixture(
  deployment: Partial<CreateDeploymentInput> & Pick<CreateDeploymentInput, "code" | "scoringScript">,
) {
  const { user, workspace } = await createUserWithWorkspace("pipeline");
  const actor = { userId: user.id };
  await createEndpoint({ workspaceId: workspace.id, actor, input: { name: "scorer" } });
  await createDeployment({ workspaceId: workspace.id, actor, endpointName: "scorer", input: { name: "blue", ...deployment } });
  const target = await getDefaultStorageTarget(workspace.id);
  return { workspace, actor, target };
}

/** Writes `count` real PNG images (Pillow) and uploads them under `prefix`; returns the blob names. */
export async function uploadPngs(target: StorageTarget, prefix: string, count: number) {
  const dir = mkdtempSync(path.join(tmpdir(), "pngs-"));
  execFileSync(PYTHON, [
    "-c",
    `
import sys
from PIL import Image
for i in range(${count}):
    img = Image.new("L", (8, 8), color=(i * 7) % 256)
    img.save(f"${dir}/img_{i:03d}.png")
`,
  ]);
  const names = readdirSync(dir).sort();
  for (const n of names) await uploadBlob(target, `${prefix}${n}`, readFileSync(path.join(dir, n)));
  return names.map((n) => `${prefix}${n}`);
}

/** Invokes the fixture's endpoint over the folder `prefix` of its workspace's default datastore. */
export async function startFolderJob(fx: Awaited<ReturnType<typeof deploymentFixture>>, prefix = "in/") {
  return startJob({
    workspaceId: fx.workspace.id,
    actor: fx.actor,
    endpointName: "scorer",
    input: { input: { type: "uri_folder", path: `datastores/workspaceblobstore/paths/${prefix}` } },
  });
}

export async function uploadTexts(target: StorageTarget, prefix: string, count: number) {
  for (let i = 0; i < count; i++) await uploadBlob(target, `${prefix}${String(i).padStart(3, "0")}.txt`, `${i}`);
}

/**
 * Waits until the job reaches one of `statuses`; throws with the job's state when it does not in time.
 * `timeoutMs` can lengthen the hang guard, never shorten it below TEST_WAIT_MS: a shorter bound is a
 * guess of how long the work takes (callers pass 30-120 s), which a machine at load 10-40 can exceed.
 */
export async function waitForJob(
  jobId: string,
  statuses: string[] = ["completed", "completed_with_errors", "failed", "canceled"],
  timeoutMs = TEST_WAIT_MS,
) {
  const deadline = Date.now() + Math.max(timeoutMs, TEST_WAIT_MS);
  for (;;) {
    const job = await db.job.findUniqueOrThrow({ where: { id: jobId } });
    if (statuses.includes(job.status)) return job;
    if (Date.now() > deadline)
      throw new Error(
        `job stayed ${job.status} (${job.miniBatchesCompleted}+${job.miniBatchesFailed}/${job.miniBatchesTotal} mini-batches)`,
      );
    await new Promise((r) => setTimeout(r, 200));
  }
}
