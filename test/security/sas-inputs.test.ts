import { ContainerSASPermissions, generateBlobSASQueryParameters, StorageSharedKeyCredential } from "@azure/storage-blob";
import { Command } from "commander";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import * as auditRoute from "@/app/api/v1/audit-events/route";
import * as endpointJobsRoute from "@/app/api/v1/endpoints/[endpoint]/jobs/route";
import * as errorsRoute from "@/app/api/v1/jobs/[job]/errors/route";
import * as logsRoute from "@/app/api/v1/jobs/[job]/logs/route";
import * as miniBatchesRoute from "@/app/api/v1/jobs/[job]/mini-batches/route";
import * as outputRoute from "@/app/api/v1/jobs/[job]/output/route";
import * as jobRoute from "@/app/api/v1/jobs/[job]/route";
import * as summaryRoute from "@/app/api/v1/jobs/[job]/summary/route";
import * as jobsRoute from "@/app/api/v1/jobs/route";
import { registerJob } from "@/cli/src/commands/job";
import { createApiToken } from "@/lib/api-tokens/api-tokens";
import { db } from "@/lib/db";
import { platformContainerName } from "@/lib/datastores/default-datastore";
import { startFunctionsServer } from "../support/functions-server";
import { deploymentFixture, PYTHON, uploadTexts, waitForJob } from "../support/jobs";
import { serveRoutes } from "../webhooks/helpers";

// A hostile reader of the workspace (or a scoring script) looks for the SAS token a contributor gave
// in a job's input and output URLs: it must come back nowhere, only its masked form.

// The script fails one input (so errors.jsonl has a row) and writes what its payload file says of the input and output.
const SCRIPT = `
import json, os
def init(): pass
def run(batch):
    payload = json.load(open(os.environ["JOBS_PAYLOAD_FILE"]))
    seen = (payload["input"]["path"] + " " + payload["output"]["path"]).replace(",", ";")
    out = []
    for p in batch:
        if p.endswith("001.txt"):
            raise ValueError("bad input")
        out.append(os.path.basename(p) + " saw " + seen)
    return out
`;

let functions: Awaited<ReturnType<typeof startFunctionsServer>>;
let api: Awaited<ReturnType<typeof serveRoutes>>;
beforeAll(async () => {
  functions = await startFunctionsServer();
  const job = (m: RegExpExecArray) => ({ job: m[1] });
  api = await serveRoutes([
    { pattern: /^\/api\/v1\/endpoints\/([^/]+)\/jobs$/, params: (m) => ({ endpoint: m[1] }), methods: endpointJobsRoute },
    { pattern: /^\/api\/v1\/audit-events$/, params: () => ({}), methods: auditRoute },
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

/** What `batchpoint job show <name> --json` prints, run in this process against the routes above. */
async function cliJobShow(name: string, token: string) {
  const lines: string[] = [];
  const log = vi.spyOn(console, "log").mockImplementation((...args: unknown[]) => void lines.push(args.join(" ")));
  Object.assign(process.env, { BATCHPOINT_URL: api.origin, BATCHPOINT_TOKEN: token });
  try {
    const program = new Command("batchpoint").exitOverride();
    registerJob(program);
    await program.parseAsync(["node", "batchpoint", "job", "show", name, "--json"]);
  } finally {
    log.mockRestore();
    delete process.env.BATCHPOINT_URL;
    delete process.env.BATCHPOINT_TOKEN;
  }
  return lines.join("\n");
}

describe("a SAS token given at invoke", () => {
  it("never comes back: not in the API's answers, the job's files, the audit log, the CLI or the scoring process", async () => {
    const { workspace, actor, target } = await deploymentFixture({
      code: { files: { "score.py": SCRIPT } },
      scoringScript: "score.py",
      interpreter: PYTHON,
      settings: { miniBatchSize: 1, retrySettings: { maxRetries: 0 } },
    });
    const contributor = (await createApiToken({ workspaceId: workspace.id, actor, name: "pipeline", role: "contributor" })).token;
    const reader = (await createApiToken({ workspaceId: workspace.id, actor, name: "reader", role: "reader" })).token;
    const owner = (await createApiToken({ workspaceId: workspace.id, actor, name: "auditor", role: "owner" })).token;
    await uploadTexts(target, "in/", 3);
    const conn = process.env.AZURE_STORAGE_CONNECTION_STRING ?? "";
    const container = platformContainerName(workspace.id);
    const sas = generateBlobSASQueryParameters(
      { containerName: container, permissions: ContainerSASPermissions.parse("racwl"), expiresOn: new Date(Date.now() + 3600_000) },
      new StorageSharedKeyCredential(/AccountName=([^;]+)/.exec(conn)![1], /AccountKey=([^;]+)/.exec(conn)![1]),
    );
    const sig = sas.signature;
    expect(sig.length).toBeGreaterThan(20);
    const blob = /BlobEndpoint=([^;]+)/.exec(conn)![1].replace(/\/$/, "");
    const url = (p: string) => `${blob}/${container}/${p}?${sas.toString()}`;

    const invoked = await fetch(`${api.origin}/api/v1/endpoints/scorer/jobs`, {
      method: "POST",
      headers: { authorization: `Bearer ${contributor}`, "content-type": "application/json" },
      body: JSON.stringify({ input: { type: "uri_folder", path: url("in/") }, output: { path: url("out/{job}/") } }),
    });
    const invokedText = await invoked.text();
    expect(invoked.status, invokedText).toBe(202);
    const name = JSON.parse(invokedText).name as string;
    const row = await db.job.findFirstOrThrow({ where: { workspaceId: workspace.id, name } });
    const done = await waitForJob(row.id);
    expect(done).toMatchObject({ status: "completed_with_errors", filesFailed: 1, filesCompleted: 2 });

    const get = async (path: string, token = reader) => {
      const res = await fetch(`${api.origin}${path}`, { headers: { authorization: `Bearer ${token}` } });
      return { path, status: res.status, text: await res.text() };
    };
    const answers = [
      { path: "POST /endpoints/scorer/jobs", status: 200, text: invokedText },
      await get(`/api/v1/jobs/${name}`),
      await get("/api/v1/jobs"),
      await get(`/api/v1/jobs/${name}/summary`),
      await get(`/api/v1/jobs/${name}/output`),
      await get(`/api/v1/jobs/${name}/errors`),
      await get(`/api/v1/jobs/${name}/logs`),
      await get(`/api/v1/jobs/${name}/mini-batches`),
      await get("/api/v1/audit-events", owner),
      { path: "batchpoint job show --json", status: 200, text: await cliJobShow(name, reader) },
      {
        path: "audit rows",
        status: 200,
        text: JSON.stringify(await db.auditEvent.findMany({ where: { workspaceId: workspace.id } })),
      },
    ];
    const forms = [sig, encodeURIComponent(sig), `sig=${encodeURIComponent(sig)}`];
    for (const a of answers) {
      expect(a.status, a.path).toBe(200);
      for (const f of forms) expect(a.text, a.path).not.toContain(f);
      expect(a.text, a.path).not.toMatch(/sig=(?!\*{8})/);
    }

    // Shown masked where a job's input is shown, so a reader still sees that a SAS was given.
    const shown = JSON.parse(answers[1].text);
    expect(shown.inputs.data.path).toBe(`${blob}/${container}/in/?${sas.toString().replace(/=[^&]*/g, "=********")}`);
    expect(shown.output.path).toContain("sig=********");
    expect(JSON.parse(answers[3].text).output).toContain("sig=********");
    expect(answers[4].text).toContain("sig=********"); // what the scoring process saw in its payload file
    expect(answers[9].text).toContain("sig=********");
  });
});
