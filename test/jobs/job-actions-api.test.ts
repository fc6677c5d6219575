import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as cancel from "@/app/api/v1/jobs/[job]/cancel/route";
import * as one from "@/app/api/v1/jobs/[job]/route";
import { createApiToken } from "@/lib/api-tokens/api-tokens";
import { startJob } from "@/lib/jobs/job-commands";
import { startFunctionsServer } from "../support/functions-server";
import { deploymentFixture, PYTHON, uploadTexts, waitForJob } from "../support/jobs";
import { serveRoutes } from "../webhooks/helpers";

// What a job allows (shared/job-status.ts) as the API reports it, and the API acting on the same answer.
let api: Awaited<ReturnType<typeof serveRoutes>>;
let functions: Awaited<ReturnType<typeof startFunctionsServer>>;
beforeAll(async () => {
  functions = await startFunctionsServer();
  api = await serveRoutes([
    { pattern: /^\/api\/v1\/jobs\/([^/]+)$/, params: (m) => ({ job: m[1] }), methods: one },
    { pattern: /^\/api\/v1\/jobs\/([^/]+)\/cancel$/, params: (m) => ({ job: m[1] }), methods: cancel },
  ]);
});
afterAll(async () => {
  await api?.close();
  await functions?.close();
});

// Files whose content is 3 mod 4 fail: within the threshold, the job ends completed_with_errors.
const SKIPS_BAD = `
def init(): pass
def run(batch):
    import os
    return [os.path.basename(p) for p in batch if int(open(p).read()) % 4 != 3]
`;

describe("a job's actions in the REST API", () => {
  it("allows cancel while running; retry failed and re-run once it ended with failed inputs, and refuses a late cancel", async () => {
    const fx = await deploymentFixture({
      code: { files: { "score.py": SKIPS_BAD } },
      scoringScript: "score.py",
      interpreter: PYTHON,
      settings: { miniBatchSize: 4, errorThreshold: 3 },
    });
    const token = (await createApiToken({ workspaceId: fx.workspace.id, actor: fx.actor, name: "ci", role: "scientist" })).token;
    const headers = { authorization: `Bearer ${token}` };
    await uploadTexts(fx.target, "in/", 8);
    const { job } = await startJob({
      workspaceId: fx.workspace.id,
      actor: fx.actor,
      endpointName: "scorer",
      input: { input: { type: "uri_folder", path: "datastores/workspaceblobstore/paths/in/" } },
    });
    const get = async () => (await fetch(`${api.origin}/api/v1/jobs/${job.name}`, { headers })).json();

    const early = await get();
    if (["queued", "preparing", "running"].includes(early.status))
      expect(early.actions).toEqual({ cancel: true, retryFailed: false, rerun: false });

    expect(await waitForJob(job.id)).toMatchObject({ status: "completed_with_errors", filesFailed: 2 });
    const ended = await get();
    expect(ended).toMatchObject({ status: "completed_with_errors", actions: { cancel: false, retryFailed: true, rerun: true } });

    const late = await fetch(`${api.origin}/api/v1/jobs/${job.name}/cancel`, { method: "POST", headers });
    expect(late.status).toBe(409);
    expect(((await late.json()) as { error: { message: string } }).error.message).toMatch(/already completed_with_errors/);
  });
});
