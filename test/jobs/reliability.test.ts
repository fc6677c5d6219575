import { randomBytes } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { ContainerSASPermissions, generateBlobSASQueryParameters, StorageSharedKeyCredential } from "@azure/storage-blob";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inngest } from "@/lib/events/client";
import { platformContainerName } from "@/lib/datastores/default-datastore";
import { db } from "@/lib/db";
import { updateDeployment } from "@/lib/deployments/manage-deployment";
import { blockScope, finalizeJob, outputPrefix } from "@/lib/jobs/finalize-job";
import { getJobOrThrow } from "@/lib/jobs/find-jobs";
import { invokeJob } from "@/lib/jobs/invoke-job";
import { retryFailed, startJob } from "@/lib/jobs/job-commands";
import { miniBatchEvents } from "@/lib/jobs/job-events";
import { planJob } from "@/lib/jobs/plan-job";
import { presentJob } from "@/lib/jobs/present-job";
import { reconcileJobs } from "@/lib/jobs/reconcile-jobs";
import { finishMiniBatch } from "@/lib/jobs/record-mini-batch";
import { deleteBlob, readBlobText, stageBlock, uploadBlob } from "@/lib/storage";
import { createWebhook } from "@/lib/webhooks/create-webhook";
import { startFunctionsServer } from "../support/functions-server";
import { deploymentFixture, PYTHON, uploadTexts, waitForJob } from "../support/jobs";
import { startReceiver, until } from "../webhooks/helpers";

let server: Awaited<ReturnType<typeof startFunctionsServer>>;
const closers: (() => Promise<void>)[] = [];
beforeAll(async () => {
  server = await startFunctionsServer();
});
afterAll(async () => {
  for (const c of closers) await c();
  await server?.close();
});

const NAMES = "import os\ndef init(): pass\ndef run(batch):\n    return [os.path.basename(p) for p in batch]\n";
const folder = (p = "in/") => ({ input: { type: "uri_folder" as const, path: `datastores/workspaceblobstore/paths/${p}` } });
const ROWS = "def init(): pass\ndef run(df):\n    return df\n";

async function fixture(code = NAMES, settings: Record<string, unknown> = {}) {
  return deploymentFixture({ code: { files: { "score.py": code } }, scoringScript: "score.py", interpreter: PYTHON, settings });
}

/** An outbound webhook on job.failed and job.completed, with a receiver that keeps what it got. */
async function listen(fx: Awaited<ReturnType<typeof fixture>>) {
  const receiver = await startReceiver([]);
  closers.push(receiver.close);
  await createWebhook({
    workspaceId: fx.workspace.id,
    actor: fx.actor,
    input: { direction: "outbound", name: "watch", url: receiver.url, events: ["job.failed", "job.completed"] },
  });
  return receiver;
}

const blobEndpoint = () => /BlobEndpoint=([^;]+)/.exec(process.env.AZURE_STORAGE_CONNECTION_STRING ?? "")![1].replace(/\/$/, "");

describe("every job ends with its reason", () => {
  it("fails planning at once with a plain message and a job.failed delivery: a wrong SAS signature, a server that is not Azure Blob, a binary file as tabular CSV", async () => {
    const fx = await fixture();
    const receiver = await listen(fx);
    const notAzure = createServer((_req, res) => res.writeHead(404, { "content-type": "text/html" }).end("<html>Not Found</html>"));
    await new Promise<void>((r) => notAzure.listen(0, "127.0.0.1", r));
    closers.push(() => new Promise((r) => notAzure.close(() => r())));
    await uploadBlob(
      fx.target,
      "tables/photo.csv",
      Buffer.concat([Buffer.from("\x89PNG\r\n\x1a\n", "latin1"), Buffer.alloc(16), randomBytes(4096)]),
    );
    const container = platformContainerName(fx.workspace.id);

    const cases = [
      {
        input: {
          type: "uri_folder" as const,
          path: `${blobEndpoint()}/${container}/in/?sv=2022-11-02&ss=b&srt=co&sp=rl&se=2099-01-01T00:00:00Z&sig=AAAAwrongsignatureAAAA%3D`,
        },
        error: /^The storage refused access to http:\/\/127\.0\.0\.1:\d+\/\w+\/ws-\w+\/in\/ \(403.*SAS token's signature/,
      },
      {
        input: {
          type: "uri_folder" as const,
          path: `http://127.0.0.1:${(notAzure.address() as AddressInfo).port}/acct/container/in/?sig=x`,
        },
        error: /does not look like an Azure Blob Storage endpoint/,
      },
      {
        input: { type: "tabular" as const, path: "datastores/workspaceblobstore/paths/tables/photo.csv" },
        error: /not a text CSV \(it holds binary data/,
      },
    ];
    const jobs = [];
    for (const c of cases)
      jobs.push((await startJob({ workspaceId: fx.workspace.id, actor: fx.actor, endpointName: "scorer", input: { input: c.input } })).job);
    for (const [i, job] of jobs.entries()) {
      const done = await waitForJob(job.id, ["completed", "completed_with_errors", "failed", "canceled"], 60_000);
      expect(done.status).toBe("failed");
      expect(done.error).toMatch(cases[i].error);
      expect(done.finishedAt).not.toBeNull();
      expect(done.error).not.toContain("sig=");
    }
    const bodies = await until(
      async () => (receiver.received.length >= 3 ? receiver.received.map((r) => JSON.parse(r.body.toString())) : null),
      30_000,
      "three job.failed deliveries",
    );
    expect(bodies.map((b) => b.type)).toEqual(["job.failed", "job.failed", "job.failed"]);
    expect(new Set(bodies.map((b) => b.data.job.name))).toEqual(new Set(jobs.map((j) => j.name)));
    expect(new Set(bodies.map((b) => b.id)).size).toBe(3);
  });

  it("fails the job at once when init() fails, with init()'s error", async () => {
    const fx = await fixture("def init():\n    raise RuntimeError('model file missing')\ndef run(batch):\n    return batch\n", {
      miniBatchSize: 1,
      errorThreshold: -1,
    });
    await uploadTexts(fx.target, "in/", 6);
    const { job } = await startJob({ workspaceId: fx.workspace.id, actor: fx.actor, endpointName: "scorer", input: folder() });
    const done = await waitForJob(job.id, ["completed", "completed_with_errors", "failed", "canceled"], 60_000);
    expect(done.status).toBe("failed");
    expect(done.error).toMatch(/^init\(\) of deployment blue v1 failed, so no mini-batch can run: .*model file missing/);
  });

  it("counts a download error as an attempt: with max_retries 0 it fails after one attempt and the job ends completed_with_errors", async () => {
    const fx = await fixture(NAMES, { miniBatchSize: 2, retrySettings: { maxRetries: 0, timeout: 30 } });
    await uploadTexts(fx.target, "in/", 4);
    const { job } = await invokeJob({ workspaceId: fx.workspace.id, actor: fx.actor, endpointName: "scorer", input: folder() });
    expect(await planJob({ jobId: job.id })).toMatchObject({ ok: true, miniBatches: 2 });
    await deleteBlob(fx.target, "in/001.txt"); // listed by planning, gone when mini-batch 0 downloads it
    await inngest.send(await miniBatchEvents({ jobId: job.id, from: 0, to: 2 }));
    const done = await waitForJob(job.id);
    expect(done).toMatchObject({ status: "completed_with_errors", filesCompleted: 2, filesFailed: 2, miniBatchesFailed: 1 });
    const mb = await db.miniBatch.findFirstOrThrow({ where: { jobId: job.id, index: 0 } });
    expect(mb).toMatchObject({ status: "failed", attempts: 1, error: expect.stringMatching(/^The mini-batch could not be scored: /) });
    expect((await readBlobText(fx.target, outputPrefix(job.outputPath) + "predictions.csv")).trim().split("\n")).toEqual([
      "002.txt",
      "003.txt",
    ]);
  });

  it("gives a job with failed inputs under its threshold its own status, announced as job.completed with that status", async () => {
    const code =
      "import os\ndef init(): pass\ndef run(batch):\n    return [os.path.basename(p) for p in batch if not p.endswith('001.txt')]\n";
    const fx = await fixture(code, { miniBatchSize: 2 });
    const receiver = await listen(fx);
    await uploadTexts(fx.target, "in/", 4);
    const { job } = await startJob({ workspaceId: fx.workspace.id, actor: fx.actor, endpointName: "scorer", input: folder() });
    const done = await waitForJob(job.id);
    expect(done).toMatchObject({
      status: "completed_with_errors",
      filesCompleted: 3,
      filesFailed: 1,
      error: "1 of 4 input files failed (within the error threshold). See errors.jsonl for the files and tracebacks.",
    });
    const [delivery] = await until(async () => (receiver.received.length ? receiver.received : null), 30_000, "the delivery");
    expect(JSON.parse(delivery.body.toString())).toMatchObject({
      type: "job.completed",
      data: { job: { status: "completed_with_errors", counts: { files: { failed: 1 } } } },
    });
    const summary = JSON.parse(await readBlobText(fx.target, outputPrefix(job.outputPath) + "job-summary.json"));
    expect(summary.status).toBe("completed_with_errors");
  });
});

describe("a step that fails past its retries", () => {
  it("fails the job through finalize's onFailure handler, with the error, and announces it", async () => {
    const fx = await fixture(NAMES, { miniBatchSize: 2, retrySettings: { maxRetries: 0, timeout: 30 } });
    const receiver = await listen(fx);
    await uploadTexts(fx.target, "in/", 2);
    // A read-only SAS: inputs can be listed and read, the output cannot be written.
    const container = platformContainerName(fx.workspace.id);
    const key = /AccountKey=([^;]+)/.exec(process.env.AZURE_STORAGE_CONNECTION_STRING ?? "")![1];
    const sas = generateBlobSASQueryParameters(
      { containerName: container, permissions: ContainerSASPermissions.parse("rl"), expiresOn: new Date(Date.now() + 3600_000) },
      new StorageSharedKeyCredential(/AccountName=([^;]+)/.exec(process.env.AZURE_STORAGE_CONNECTION_STRING ?? "")![1], key),
    ).toString();
    const url = (p: string) => `${blobEndpoint()}/${container}/${p}?${sas}`;
    const { job } = await startJob({
      workspaceId: fx.workspace.id,
      actor: fx.actor,
      endpointName: "scorer",
      input: { input: { type: "uri_folder", path: url("in/") }, output: { path: url("out/") } },
    });
    const done = await waitForJob(job.id, ["completed", "completed_with_errors", "failed", "canceled"], 90_000);
    expect(done.status).toBe("failed");
    expect(done.error).toMatch(/^Finalizing the job failed: /);
    const [delivery] = await until(async () => (receiver.received.length ? receiver.received : null), 30_000, "the delivery");
    expect(JSON.parse(delivery.body.toString())).toMatchObject({ type: "job.failed", data: { job: { name: job.name, status: "failed" } } });
  });
});

describe("outputs match inputs exactly", () => {
  it("fails the mini-batch holding a ragged CSV row, naming its row and line, and scores the rest", async () => {
    const fx = await fixture(ROWS, { miniBatchSize: 2 });
    await uploadBlob(fx.target, "t/data.csv", 'a,b\n1,2\n"x\ny",3\n1,2,3,4\n5,6\n7,8\n');
    const { job } = await startJob({
      workspaceId: fx.workspace.id,
      actor: fx.actor,
      endpointName: "scorer",
      input: { input: { type: "tabular", path: "datastores/workspaceblobstore/paths/t/data.csv" } },
    });
    const done = await waitForJob(job.id);
    expect(done).toMatchObject({ status: "completed_with_errors", filesTotal: 5, filesCompleted: 3, filesFailed: 2 });
    const mb = await db.miniBatch.findFirstOrThrow({ where: { jobId: job.id, index: 1 } });
    expect(mb.status).toBe("failed");
    expect(mb.error).toBe(
      "Row 3 (line 5) has 4 fields; the header has 2 (input datastores/workspaceblobstore/paths/t/data.csv). Fix the row, or quote fields that contain commas.",
    );
    const out = await readBlobText(fx.target, outputPrefix(job.outputPath) + "predictions.csv");
    expect(out).toBe('a,b\n1,2\n"x\ny",3\n7,8\n');
  });

  it("refuses more results than inputs, and results holding line breaks, instead of writing extra rows", async () => {
    const extra = "import os\ndef init(): pass\ndef run(batch):\n    return [os.path.basename(p) for p in batch] + ['surplus']\n";
    const newline = "import os\ndef init(): pass\ndef run(batch):\n    return [os.path.basename(p) + '\\nsecond line' for p in batch]\n";
    for (const [code, error] of [
      [extra, "run() returned 3 results for 2 inputs; return at most one result per input."],
      [newline, expect.stringMatching(/^A result of run\(\) contains a line break, which would split it into two output rows/)],
    ] as const) {
      const fx = await fixture(code, { miniBatchSize: 2, retrySettings: { maxRetries: 0, timeout: 30 } });
      await uploadTexts(fx.target, "in/", 2);
      const { job } = await startJob({ workspaceId: fx.workspace.id, actor: fx.actor, endpointName: "scorer", input: folder() });
      expect(await waitForJob(job.id)).toMatchObject({ status: "completed_with_errors", filesCompleted: 0, filesFailed: 2 });
      expect(await db.miniBatch.findFirstOrThrow({ where: { jobId: job.id } })).toMatchObject({ status: "failed", error });
      expect(await readBlobText(fx.target, outputPrefix(job.outputPath) + "predictions.csv")).toBe("");
    }
  });
});

describe("an output location belongs to one job", () => {
  it("of two invokes on one output folder in the same moment, exactly one is created; overwrite takes the folder over", async () => {
    const fx = await fixture();
    await uploadTexts(fx.target, "in/", 1);
    const body = { ...folder(), output: { path: "datastores/workspaceblobstore/paths/shared-out/" } };
    for (let round = 0; round < 5; round++) {
      const out = { path: `datastores/workspaceblobstore/paths/shared-out-${round}/` };
      const results = await Promise.allSettled(
        [0, 1].map(() =>
          invokeJob({ workspaceId: fx.workspace.id, actor: fx.actor, endpointName: "scorer", input: { ...body, output: out } }),
        ),
      );
      expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
      const refused = results.find((r) => r.status === "rejected") as PromiseRejectedResult;
      expect(refused.reason).toMatchObject({
        code: "CONFLICT",
        message: expect.stringMatching(/^The output folder .* belongs to job batchjob-/),
      });
    }
    const first = await invokeJob({ workspaceId: fx.workspace.id, actor: fx.actor, endpointName: "scorer", input: body });
    await expect(invokeJob({ workspaceId: fx.workspace.id, actor: fx.actor, endpointName: "scorer", input: body })).rejects.toMatchObject({
      code: "CONFLICT",
    });
    const second = await invokeJob({
      workspaceId: fx.workspace.id,
      actor: fx.actor,
      endpointName: "scorer",
      input: { ...body, overwrite: true },
    });
    const claim = await db.jobOutputClaim.findUniqueOrThrow({ where: { jobId: second.job.id } });
    expect(claim.location).toMatch(/shared-out\/$/);
    expect(await db.jobOutputClaim.findUnique({ where: { jobId: first.job.id } })).toBeNull();
  });

  it("frees the folder of a job that failed before writing anything: the corrected invoke is not refused", async () => {
    const fx = await fixture();
    await uploadTexts(fx.target, "in/", 2);
    const output = { path: "datastores/workspaceblobstore/paths/typo-out/" };
    await uploadBlob(fx.target, "tables/photo.csv", Buffer.concat([Buffer.from("\x89PNG\r\n\x1a\n", "latin1"), randomBytes(4096)]));
    const wrong = await startJob({
      workspaceId: fx.workspace.id,
      actor: fx.actor,
      endpointName: "scorer",
      input: { input: { type: "tabular", path: "datastores/workspaceblobstore/paths/tables/photo.csv" }, output },
    });
    expect((await waitForJob(wrong.job.id)).status).toBe("failed");
    const fixed = await startJob({ workspaceId: fx.workspace.id, actor: fx.actor, endpointName: "scorer", input: { ...folder(), output } });
    expect((await waitForJob(fixed.job.id)).status).toBe("completed");
    // A job that wrote its folder keeps it, and the refusal names that job (not only the file it wrote:
    // another file name in the same folder would be refused too).
    await expect(
      invokeJob({ workspaceId: fx.workspace.id, actor: fx.actor, endpointName: "scorer", input: { ...folder(), output } }),
    ).rejects.toMatchObject({
      code: "CONFLICT",
      message: `The output folder ${output.path} belongs to job ${fixed.job.name}. Choose another output path, or pass overwrite: true to take it over.`,
    });
  });

  it("refuses a folder that holds a predictions file no job wrote, naming the file; overwrite takes it", async () => {
    const fx = await fixture();
    await uploadTexts(fx.target, "in/", 1);
    await uploadBlob(fx.target, "by-hand/predictions.csv", "kept\n");
    const output = { path: "datastores/workspaceblobstore/paths/by-hand/" };
    await expect(
      invokeJob({ workspaceId: fx.workspace.id, actor: fx.actor, endpointName: "scorer", input: { ...folder(), output } }),
    ).rejects.toMatchObject({
      code: "CONFLICT",
      message:
        "The output file datastores/workspaceblobstore/paths/by-hand/predictions.csv already exists. Choose another output path or file name, or pass overwrite: true.",
    });
    expect(await db.job.count({ where: { workspaceId: fx.workspace.id, outputPath: output.path } })).toBe(0);
    const over = await invokeJob({
      workspaceId: fx.workspace.id,
      actor: fx.actor,
      endpointName: "scorer",
      input: { ...folder(), output, overwrite: true },
    });
    expect(over.created).toBe(true);
  });
});

describe("finalize verifies before it commits", () => {
  it("re-queues completed mini-batches whose output parts are missing, and the job ends with every row once, in order", async () => {
    const fx = await fixture(NAMES, { miniBatchSize: 1 });
    await uploadTexts(fx.target, "in/", 4);
    const { job } = await invokeJob({ workspaceId: fx.workspace.id, actor: fx.actor, endpointName: "scorer", input: folder() });
    await planJob({ jobId: job.id });
    // As after a storage crash: all four recorded as completed, but the parts of 1 and 3 were lost.
    for (const i of [0, 1, 2, 3]) {
      if (i % 2 === 0)
        await stageBlock(
          fx.target,
          outputPrefix(job.outputPath) + "predictions.csv",
          i,
          Buffer.from(`${String(i).padStart(3, "0")}.txt\n`),
          blockScope(job.id),
        );
      await finishMiniBatch({ jobId: job.id, index: i, outcome: { status: "completed", succeeded: 1, failed: 0, durationMs: 1 } });
    }
    const r = await finalizeJob({ jobId: job.id, reason: "completed" });
    expect(r).toMatchObject({ finalized: false, status: "running", requeued: [1, 3], generation: 1 });
    expect(await db.job.findUniqueOrThrow({ where: { id: job.id } })).toMatchObject({
      status: "running",
      miniBatchesCompleted: 2,
      filesCompleted: 2,
    });
    await inngest.send(await miniBatchEvents({ jobId: job.id, indexes: r.requeued! }));
    expect(await waitForJob(job.id)).toMatchObject({ status: "completed", filesCompleted: 4 });
    expect((await readBlobText(fx.target, outputPrefix(job.outputPath) + "predictions.csv")).trim().split("\n")).toEqual([
      "000.txt",
      "001.txt",
      "002.txt",
      "003.txt",
    ]);
  });

  it("finalizes a job left in finalizing by a crash when the reconciler finds it, and re-plans a job whose start event was never sent", async () => {
    const fx = await fixture(NAMES, { miniBatchSize: 2 });
    await uploadTexts(fx.target, "in/", 2);
    const queued = await invokeJob({ workspaceId: fx.workspace.id, actor: fx.actor, endpointName: "scorer", input: folder() });
    const stuck = await invokeJob({ workspaceId: fx.workspace.id, actor: fx.actor, endpointName: "scorer", input: folder() });
    await planJob({ jobId: stuck.job.id });
    await db.job.update({ where: { id: stuck.job.id }, data: { status: "finalizing" } });
    const { events } = await reconcileJobs(new Date(Date.now() + 60_000), 30_000);
    const mine = events.filter((e) => e.data.jobId === queued.job.id || e.data.jobId === stuck.job.id);
    expect(mine.map((e) => [e.data.jobId, e.name])).toEqual([
      [queued.job.id, "batch/job.requested"],
      [stuck.job.id, "batch/job.finished"],
    ]);
    await inngest.send(mine);
    expect(await waitForJob(queued.job.id)).toMatchObject({ status: "completed", filesCompleted: 2 });
    // The stuck job's mini-batch never ran: finalize runs it rather than dropping it.
    expect(await waitForJob(stuck.job.id)).toMatchObject({ status: "completed", filesCompleted: 2 });
    expect((await readBlobText(fx.target, outputPrefix(stuck.job.outputPath) + "predictions.csv")).trim().split("\n")).toEqual([
      "000.txt",
      "001.txt",
    ]);
  });
});

describe("retry failed, choosing the deployment version", () => {
  it("re-runs the failed mini-batches with the current version when asked, and records each round", async () => {
    const broken = "def init(): pass\ndef run(batch):\n    raise ValueError('v1 is broken')\n";
    const fx = await fixture(broken, { miniBatchSize: 2, retrySettings: { maxRetries: 0, timeout: 30 } });
    await uploadTexts(fx.target, "in/", 4);
    const { job } = await startJob({ workspaceId: fx.workspace.id, actor: fx.actor, endpointName: "scorer", input: folder() });
    expect(await waitForJob(job.id)).toMatchObject({ status: "completed_with_errors", filesFailed: 4 });

    await retryFailed({ workspaceId: fx.workspace.id, actor: fx.actor, name: job.name });
    expect(await waitForJob(job.id)).toMatchObject({ status: "completed_with_errors", filesFailed: 4, deploymentVersion: 1 });

    await updateDeployment({
      workspaceId: fx.workspace.id,
      actor: fx.actor,
      endpointName: "scorer",
      name: "blue",
      input: { code: { files: { "score.py": NAMES } } },
    });
    await retryFailed({ workspaceId: fx.workspace.id, actor: fx.actor, name: job.name, deploymentVersion: "current" });
    expect(await waitForJob(job.id)).toMatchObject({ status: "completed", filesCompleted: 4, filesFailed: 0, deploymentVersion: 2 });
    expect((await readBlobText(fx.target, outputPrefix(job.outputPath) + "predictions.csv")).trim().split("\n")).toEqual([
      "000.txt",
      "001.txt",
      "002.txt",
      "003.txt",
    ]);

    const shown = presentJob(await getJobOrThrow({ workspaceId: fx.workspace.id, name: job.name }));
    expect(shown.retryRounds).toEqual([
      expect.objectContaining({
        round: 1,
        deploymentVersion: 1,
        versionChoice: "job",
        counts: { miniBatches: 2, inputs: 4, succeeded: 0, failed: 4 },
        status: "completed_with_errors",
        finishedAt: expect.any(Date),
      }),
      expect.objectContaining({
        round: 2,
        deploymentVersion: 2,
        versionChoice: "current",
        counts: { miniBatches: 2, inputs: 4, succeeded: 4, failed: 0 },
        status: "completed",
        finishedAt: expect.any(Date),
      }),
    ]);
  });
});
