import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { outputPrefix } from "@/lib/jobs/finalize-job";
import { invokeJob } from "@/lib/jobs/invoke-job";
import { findJobOutputs, publishScriptOutputs } from "@/lib/jobs/script-outputs";
import type { MiniBatchResult } from "@/lib/scoring";
import { blobExists, readBlobText, uploadBlob } from "@/lib/storage";
import { deploymentFixture } from "../support/jobs";

const ok: MiniBatchResult = {
  ok: true,
  format: "list",
  body: "",
  count: 1,
  workerPid: 1,
  coldStart: false,
  logs: "log",
  durationMs: 5,
  queuedMs: 1,
  inputCount: 1,
};

function folder(files: Record<string, string>) {
  const dir = mkdtempSync(path.join(tmpdir(), "script-out-"));
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    writeFileSync(path.join(dir, rel), text);
  }
  return dir;
}

let fx: Awaited<ReturnType<typeof deploymentFixture>>;
let job: Awaited<ReturnType<typeof invokeJob>>["job"];
beforeAll(async () => {
  fx = await deploymentFixture({ code: { files: { "score.py": "def run(b): return b\n" } }, scoringScript: "score.py" });
  await uploadBlob(fx.target, "so/in/a.txt", "a");
  ({ job } = await invokeJob({
    workspaceId: fx.workspace.id,
    actor: fx.actor,
    endpointName: "scorer",
    input: { input: { type: "uri_folder", path: "datastores/workspaceblobstore/paths/so/in/" } },
  }));
});

describe("publishing the files a script wrote", () => {
  it("uploads them under their relative names; a retry of the same mini-batch replaces its files and leaves no strays", async () => {
    const prefix = outputPrefix(job.outputPath);
    expect(await publishScriptOutputs({ job, index: 0, outputDir: folder({ "a.parquet": "one", "sub/b.txt": "two" }) }, ok)).toBe(ok);
    expect(await readBlobText(fx.target, `${prefix}sub/b.txt`)).toBe("two");
    // The retry wrote a.parquet again (new content) and no longer b.txt.
    expect(await publishScriptOutputs({ job, index: 0, outputDir: folder({ "a.parquet": "one, again" }) }, ok)).toBe(ok);
    expect(await readBlobText(fx.target, `${prefix}a.parquet`)).toBe("one, again");
    expect(await blobExists(fx.target, `${prefix}sub/b.txt`)).toBe(false);
    const rows = await db.jobOutputFile.findMany({ where: { jobId: job.id } });
    expect(rows.map((r) => [r.path, r.miniBatchIndex, Number(r.size)])).toEqual([["a.parquet", 0, 10]]);
  });

  it("fails a mini-batch whose file another mini-batch owns, naming both, and keeps the owner's file", async () => {
    const r = await publishScriptOutputs({ job, index: 1, outputDir: folder({ "c.txt": "mine", "a.parquet": "clash" }) }, ok);
    expect(r).toMatchObject({
      ok: false,
      phase: "run",
      logs: "log",
      error:
        "Mini-batch 1 wrote the output file 'a.parquet', which mini-batch 0 already wrote. Give each mini-batch's files names of their own (for example from the input file's name).",
    });
    expect(await readBlobText(fx.target, `${outputPrefix(job.outputPath)}a.parquet`)).toBe("one, again");
    expect(await db.jobOutputFile.count({ where: { jobId: job.id, miniBatchIndex: 1 } })).toBe(0);
  });

  it("refuses the job's own file names and symbolic links, and passes failed runs through untouched", async () => {
    const own = await publishScriptOutputs({ job, index: 2, outputDir: folder({ [job.outputFileName]: "x" }) }, ok);
    expect(own).toMatchObject({
      ok: false,
      error: `run() wrote '${job.outputFileName}' into its output folder, but that name is the job's own predictions file; give the file another name.`,
    });
    const dir = folder({});
    symlinkSync("/etc/hostname", path.join(dir, "leak.txt"));
    expect(await publishScriptOutputs({ job, index: 2, outputDir: dir }, ok)).toMatchObject({
      ok: false,
      error: expect.stringContaining("symbolic link 'leak.txt'"),
    });
    const failed: MiniBatchResult = {
      ok: false,
      phase: "run",
      error: "boom",
      timedOut: false,
      canceled: false,
      logs: "",
      durationMs: 1,
      queuedMs: 0,
      inputCount: 1,
    };
    expect(await publishScriptOutputs({ job, index: 3, outputDir: folder({ "d.txt": "d" }) }, failed)).toBe(failed);
    expect(await db.jobOutputFile.count({ where: { jobId: job.id, miniBatchIndex: { in: [2, 3] } } })).toBe(0);
    expect(
      (await findJobOutputs({ workspaceId: fx.workspace.id, name: job.name })).data.filter((f) => f.kind === "script").map((f) => f.path),
    ).toEqual(["a.parquet"]);
  });
});
