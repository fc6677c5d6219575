import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as dsFile from "@/app/api/v1/datastores/[datastore]/files/[...path]/route";
import * as dsFiles from "@/app/api/v1/datastores/[datastore]/files/route";
import * as deploymentRoute from "@/app/api/v1/endpoints/[endpoint]/deployments/[deployment]/route";
import * as deploymentsRoute from "@/app/api/v1/endpoints/[endpoint]/deployments/route";
import * as errorsRoute from "@/app/api/v1/jobs/[job]/errors/route";
import * as logsRoute from "@/app/api/v1/jobs/[job]/logs/route";
import * as miniBatchesRoute from "@/app/api/v1/jobs/[job]/mini-batches/route";
import * as outputRoute from "@/app/api/v1/jobs/[job]/output/route";
import * as jobRoute from "@/app/api/v1/jobs/[job]/route";
import * as summaryRoute from "@/app/api/v1/jobs/[job]/summary/route";
import * as jobsRoute from "@/app/api/v1/jobs/route";
import { createApiToken } from "@/lib/api-tokens/api-tokens";
import { startJob } from "@/lib/jobs/job-commands";
import { startFunctionsServer } from "../support/functions-server";
import { deploymentFixture, PYTHON, uploadTexts, waitForJob } from "../support/jobs";
import { serveRoutes } from "../webhooks/helpers";

const PLANTED = "planted-s3cr3t-7f3a9c";
const PLANTED_PW = "planted-pw-51d0";

let functions: Awaited<ReturnType<typeof startFunctionsServer>>;
let api: Awaited<ReturnType<typeof serveRoutes>>;
beforeAll(async () => {
  functions = await startFunctionsServer();
  const job = (m: RegExpExecArray) => ({ job: m[1] });
  api = await serveRoutes([
    { pattern: /^\/api\/v1\/datastores\/([^/]+)\/files$/, params: (m) => ({ datastore: m[1] }), methods: dsFiles },
    {
      pattern: /^\/api\/v1\/datastores\/([^/]+)\/files\/(.+)$/,
      params: (m) => ({ datastore: m[1], path: m[2].split("/") }),
      methods: dsFile,
    },
    { pattern: /^\/api\/v1\/endpoints\/([^/]+)\/deployments$/, params: (m) => ({ endpoint: m[1] }), methods: deploymentsRoute },
    {
      pattern: /^\/api\/v1\/endpoints\/([^/]+)\/deployments\/([^/]+)$/,
      params: (m) => ({ endpoint: m[1], deployment: m[2] }),
      methods: deploymentRoute,
    },
    { pattern: /^\/api\/v1\/jobs$/, params: () => ({}), methods: jobsRoute },
    { pattern: /^\/api\/v1\/jobs\/([^/]+)$/, params: job, methods: jobRoute },
    { pattern: /^\/api\/v1\/jobs\/([^/]+)\/summary$/, params: job, methods: summaryRoute },
    { pattern: /^\/api\/v1\/jobs\/([^/]+)\/output$/, params: job, methods: outputRoute },
    { pattern: /^\/api\/v1\/jobs\/([^/]+)\/errors$/, params: job, methods: errorsRoute },
    { pattern: /^\/api\/v1\/jobs\/([^/]+)\/logs$/, params: job, methods: logsRoute },
    { pattern: /^\/api\/v1\/jobs\/([^/]+)\/mini-batches$/, params: job, methods: miniBatchesRoute },
  ]);
});
afterAll(async () => {
  await functions?.close();
  await api?.close();
});

describe("secrets never leave masked", () => {
  it("no job artifact, listing or API answer a reader can fetch carries a deployment's secret variables", async () => {
    // One input fails, so errors.jsonl has content too.
    const code =
      "import os\ndef init(): pass\ndef run(batch):\n    out = []\n    for p in batch:\n        if p.endswith('001.txt'): raise ValueError('bad input')\n        out.append(os.path.basename(p))\n    return out\n";
    const { workspace, actor } = await deploymentFixture({
      code: { files: { "score.py": code } },
      scoringScript: "score.py",
      interpreter: PYTHON,
      settings: {
        miniBatchSize: 1,
        retrySettings: { maxRetries: 0 },
        environmentVariables: { API_TOKEN: PLANTED, DATABASE_DSN: `postgresql://app:${PLANTED_PW}@db.internal/x`, MODE: "fast" },
      },
    });
    const reader = (await createApiToken({ workspaceId: workspace.id, actor, name: "reader", role: "reader" })).token;
    const target = await (await import("@/lib/datastores/datastores")).getDefaultStorageTarget(workspace.id);
    await uploadTexts(target, "in/", 3);
    const { job } = await startJob({
      workspaceId: workspace.id,
      actor,
      endpointName: "scorer",
      input: { input: { type: "uri_folder", path: "datastores/workspaceblobstore/paths/in/" } },
    });
    const done = await waitForJob(job.id);
    expect(done).toMatchObject({ status: "completed_with_errors", filesFailed: 1 });

    const get = async (path: string) => {
      const res = await fetch(`${api.origin}${path}`, { headers: { authorization: `Bearer ${reader}` } });
      return { path, status: res.status, text: await res.text() };
    };
    const answers = [
      await get(`/api/v1/jobs/${job.name}`),
      await get("/api/v1/jobs"),
      await get(`/api/v1/jobs/${job.name}/summary`),
      await get(`/api/v1/jobs/${job.name}/output`),
      await get(`/api/v1/jobs/${job.name}/errors`),
      await get(`/api/v1/jobs/${job.name}/logs`),
      await get(`/api/v1/jobs/${job.name}/mini-batches`),
      await get("/api/v1/endpoints/scorer/deployments"),
      await get("/api/v1/endpoints/scorer/deployments/blue"),
    ];
    // Every file in the job's output folder, downloaded through the datastore API.
    const folder = done.outputPath.replace(/^datastores\/workspaceblobstore\/paths\//, "");
    const listing = await get(`/api/v1/datastores/workspaceblobstore/files?prefix=${encodeURIComponent(folder)}`);
    const files = JSON.parse(listing.text).files.map((f: { path: string }) => f.path);
    expect(files.map((f: string) => f.slice(folder.length)).sort()).toEqual(["errors.jsonl", "job-summary.json", "predictions.csv"]);
    for (const f of files)
      answers.push(await get(`/api/v1/datastores/workspaceblobstore/files/${f.split("/").map(encodeURIComponent).join("/")}`));

    for (const a of answers) {
      expect(a.status, a.path).toBe(200);
      expect(a.text, a.path).not.toContain(PLANTED);
      expect(a.text, a.path).not.toContain(PLANTED_PW);
    }
    // The masked values are still visible as masked, and the harmless one as it is.
    const summary = JSON.parse(answers[2].text);
    expect(summary.settings.environmentVariables).toEqual({ API_TOKEN: "********", DATABASE_DSN: "********", MODE: "fast" });
    expect(JSON.stringify(summary)).not.toMatch(/sha256:|codePath|codeDatastoreId/);
  });
});
