import { describe, expect, it } from "vitest";
import { getDefaultStorageTarget } from "@/lib/datastores/datastores";
import { db } from "@/lib/db";
import { createDeployment } from "@/lib/deployments/create-deployment";
import { createEndpoint } from "@/lib/endpoints/create-endpoint";
import { blockScope, finalizeJob, outputPrefix } from "@/lib/jobs/finalize-job";
import { invokeJob } from "@/lib/jobs/invoke-job";
import { planJob } from "@/lib/jobs/plan-job";
import { finishMiniBatch, rememberOutputHeader } from "@/lib/jobs/record-mini-batch";
import { readBlobText, stageBlock, uploadBlob } from "@/lib/storage";
import { createUserWithWorkspace } from "../support/factories";

async function setup(files: number, settings: Record<string, unknown> = {}) {
  const { user, workspace } = await createUserWithWorkspace("jobs");
  const actor = { userId: user.id };
  await createEndpoint({ workspaceId: workspace.id, actor, input: { name: "scorer" } });
  await createDeployment({
    workspaceId: workspace.id,
    actor,
    endpointName: "scorer",
    input: {
      name: "blue",
      code: { files: { "score.py": "def init(): pass\ndef run(b): return b\n" } },
      scoringScript: "score.py",
      settings,
    },
  });
  const target = await getDefaultStorageTarget(workspace.id);
  for (let i = 0; i < files; i++) await uploadBlob(target, `inputs/batch/${String(i).padStart(3, "0")}.txt`, `file ${i}`);
  return { workspace, actor, target };
}

describe("invoke, plan and finalize", () => {
  it("splits 25 files into 3 mini-batches in name order and merges staged outputs in index order, header once", async () => {
    const { workspace, actor, target } = await setup(25);
    const { job } = await invokeJob({
      workspaceId: workspace.id,
      actor,
      endpointName: "scorer",
      input: { input: { type: "uri_folder", path: "azureml://datastores/workspaceblobstore/paths/inputs/batch/" } },
    });
    expect(job.status).toBe("queued");
    expect(await planJob({ jobId: job.id })).toEqual({ ok: true, miniBatches: 3, files: 25 });
    const batches = await db.miniBatch.findMany({ where: { jobId: job.id }, orderBy: { index: "asc" } });
    expect(batches.map((b) => b.itemCount)).toEqual([10, 10, 5]);
    expect((batches[0].items as string[])[0]).toBe("inputs/batch/000.txt");
    expect((batches[2].items as string[]).at(-1)).toBe("inputs/batch/024.txt");

    const prefix = outputPrefix(job.outputPath);
    // Finish out of order, as parallel mini-batches do.
    const dones = [];
    for (const index of [2, 0, 1]) {
      await rememberOutputHeader({ jobId: job.id, header: "file,prediction" });
      await stageBlock(target, prefix + "predictions.csv", index, Buffer.from(`mb${index}-a,1\nmb${index}-b,2\n`), blockScope(job.id));
      dones.push(
        await finishMiniBatch({
          jobId: job.id,
          index,
          outcome: { status: "completed", succeeded: batches[index].itemCount, failed: 0, durationMs: 5 },
        }),
      );
    }
    expect(dones.map((d) => d.jobDone)).toEqual([false, false, true]);
    // A repeated report of the same mini-batch changes nothing.
    expect(
      (await finishMiniBatch({ jobId: job.id, index: 1, outcome: { status: "completed", succeeded: 10, failed: 0, durationMs: 5 } }))
        .recorded,
    ).toBe(false);

    expect(await finalizeJob({ jobId: job.id })).toMatchObject({ status: "completed", finalized: true });
    expect(await readBlobText(target, prefix + "predictions.csv")).toBe(
      "file,prediction\nmb0-a,1\nmb0-b,2\nmb1-a,1\nmb1-b,2\nmb2-a,1\nmb2-b,2\n",
    );
    expect(await readBlobText(target, prefix + "errors.jsonl")).toBe("");
    const summary = JSON.parse(await readBlobText(target, prefix + "job-summary.json"));
    expect(summary).toMatchObject({
      status: "completed",
      files: { total: 25, succeeded: 25, failed: 0 },
      mini_batches: { total: 3, completed: 3 },
    });
    const final = await db.job.findUniqueOrThrow({ where: { id: job.id } });
    expect(final).toMatchObject({ status: "completed", filesCompleted: 25 });
  });

  it("fails the job when failed files exceed the error threshold, listing them in errors.jsonl", async () => {
    const { workspace, actor, target } = await setup(4, { miniBatchSize: 2, errorThreshold: 1 });
    const { job } = await invokeJob({
      workspaceId: workspace.id,
      actor,
      endpointName: "scorer",
      input: { input: { type: "uri_folder", path: "datastores/workspaceblobstore/paths/inputs/batch" } },
    });
    await planJob({ jobId: job.id });
    const r0 = await finishMiniBatch({
      jobId: job.id,
      index: 0,
      outcome: {
        status: "failed",
        succeeded: 0,
        failed: 2,
        durationMs: 5,
        error: "run() raised ValueError: bad pixel",
        traceback: "Traceback...\nValueError: bad pixel",
      },
    });
    expect(r0.thresholdCrossed).toBe(true);
    expect(await finalizeJob({ jobId: job.id, reason: "threshold" })).toMatchObject({ status: "failed", finalized: true });
    const errors = (await readBlobText(target, outputPrefix(job.outputPath) + "errors.jsonl"))
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(errors).toEqual([
      expect.objectContaining({
        mini_batch: 0,
        files: ["inputs/batch/000.txt", "inputs/batch/001.txt"],
        error: "run() raised ValueError: bad pixel",
      }),
    ]);
    const final = await db.job.findUniqueOrThrow({ where: { id: job.id } });
    expect(final.error).toBe("2 input files failed, more than the error threshold of 1. See errors.jsonl for the files and tracebacks.");
    expect(await db.miniBatch.count({ where: { jobId: job.id, status: "canceled" } })).toBe(1);
  });

  it("refuses an output file that exists with 409 naming it, unless overwrite is passed", async () => {
    const { workspace, actor, target } = await setup(1);
    await uploadBlob(target, "results/predictions.csv", "old");
    const body = {
      input: { type: "uri_folder" as const, path: "datastores/workspaceblobstore/paths/inputs/batch/" },
      output: { path: "datastores/workspaceblobstore/paths/results/" },
    };
    await expect(invokeJob({ workspaceId: workspace.id, actor, endpointName: "scorer", input: body })).rejects.toMatchObject({
      code: "CONFLICT",
      message: expect.stringContaining("datastores/workspaceblobstore/paths/results/predictions.csv already exists"),
    });
    expect(await db.job.count({ where: { workspaceId: workspace.id } })).toBe(0);
    const { created } = await invokeJob({ workspaceId: workspace.id, actor, endpointName: "scorer", input: { ...body, overwrite: true } });
    expect(created).toBe(true);
  });

  it("returns the same job for the same idempotency key", async () => {
    const { workspace, actor } = await setup(1);
    const body = {
      input: { type: "uri_folder" as const, path: "datastores/workspaceblobstore/paths/inputs/batch/" },
      idempotencyKey: "nightly-2026-11-21",
    };
    const a = await invokeJob({ workspaceId: workspace.id, actor, endpointName: "scorer", input: body });
    const b = await invokeJob({ workspaceId: workspace.id, actor, endpointName: "scorer", input: body });
    expect(b).toMatchObject({ created: false, job: { id: a.job.id } });
  });

  it("leaves Batchpoint's own files out of a folder input over the default store's root", async () => {
    const { workspace, actor } = await setup(3); // the deployment's code lives under _batchpoint/ in the same store
    const { job } = await invokeJob({
      workspaceId: workspace.id,
      actor,
      endpointName: "scorer",
      input: { input: { type: "uri_folder", path: "datastores/workspaceblobstore/paths/" } },
    });
    expect(await planJob({ jobId: job.id })).toEqual({ ok: true, miniBatches: 1, files: 3 });
    const [mb] = await db.miniBatch.findMany({ where: { jobId: job.id } });
    expect(mb.items).toEqual(["inputs/batch/000.txt", "inputs/batch/001.txt", "inputs/batch/002.txt"]);
  });

  it("fails planning clearly when a file input (uri_file or tabular) does not exist, and plans one that does", async () => {
    const { workspace, actor } = await setup(1);
    for (const type of ["uri_file", "tabular"] as const) {
      const { job } = await invokeJob({
        workspaceId: workspace.id,
        actor,
        endpointName: "scorer",
        input: { input: { type, path: "datastores/workspaceblobstore/paths/inputs/missing.csv" } },
      });
      expect(await planJob({ jobId: job.id })).toMatchObject({
        ok: false,
        error: "The input file datastores/workspaceblobstore/paths/inputs/missing.csv does not exist.",
      });
      expect(await db.miniBatch.count({ where: { jobId: job.id } })).toBe(0);
    }
    const { job } = await invokeJob({
      workspaceId: workspace.id,
      actor,
      endpointName: "scorer",
      input: { input: { type: "uri_file", path: "datastores/workspaceblobstore/paths/inputs/batch/000.txt" } },
    });
    expect(await planJob({ jobId: job.id })).toEqual({ ok: true, miniBatches: 1, files: 1 });
  });

  it("fails planning clearly when the folder is empty", async () => {
    const { workspace, actor } = await setup(0);
    const { job } = await invokeJob({
      workspaceId: workspace.id,
      actor,
      endpointName: "scorer",
      input: { input: { type: "uri_folder", path: "datastores/workspaceblobstore/paths/nothing-here/" } },
    });
    expect(await planJob({ jobId: job.id })).toMatchObject({
      ok: false,
      error:
        "No input files were found under datastores/workspaceblobstore/paths/nothing-here/. Check the path and that the files were uploaded.",
    });
  });
});
