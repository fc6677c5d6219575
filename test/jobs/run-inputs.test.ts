import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { outputPrefix } from "@/lib/jobs/finalize-job";
import { startJob } from "@/lib/jobs/job-commands";
import { readBlobText, uploadBlob } from "@/lib/storage";
import { startFunctionsServer } from "../support/functions-server";
import { deploymentFixture, PYTHON, waitForJob } from "../support/jobs";

// run() reports exactly what it was handed, one result per input: a file's path as the sandbox sees it
// and its content's hash, a DataFrame row's columns and values, a dict as JSON, and BATCH_INPUT_DIR.
const CODE = `
import hashlib, json, os
import pandas as pd
def init(): pass
def run(mb):
    d = os.environ.get("BATCH_INPUT_DIR")
    if isinstance(mb, pd.DataFrame):
        return [f"{'/'.join(mb.columns)}|{json.dumps([str(v) for v in r])}|{d}" for r in mb.itertuples(index=False)]
    out = []
    for x in mb:
        if isinstance(x, dict):
            out.append(f"{json.dumps(x, sort_keys=True)}|{d}")
        else:
            out.append(f"{x}|{hashlib.sha256(open(x, 'rb').read()).hexdigest()[:12]}|{d}")
    return out
`;

const IN = "/batchpoint/batch/in/data";
const sha = (s: string) => createHash("sha256").update(s).digest("hex").slice(0, 12);

let server: Awaited<ReturnType<typeof startFunctionsServer>>;
let fx: Awaited<ReturnType<typeof deploymentFixture>>;
beforeAll(async () => {
  server = await startFunctionsServer();
  fx = await deploymentFixture({ code: { files: { "score.py": CODE } }, scoringScript: "score.py", interpreter: PYTHON });
  await uploadBlob(fx.target, "docs/a.txt", "alpha");
  await uploadBlob(fx.target, "docs/sub/b.txt", "beta");
  await uploadBlob(fx.target, "docs/sub/deep/c.txt", "gamma");
});
afterAll(async () => server?.close());

async function run(input: Record<string, unknown>) {
  const { job } = await startJob({ workspaceId: fx.workspace.id, actor: fx.actor, endpointName: "scorer", input });
  const done = await waitForJob(job.id);
  const output = done.status === "completed" ? await readBlobText(fx.target, outputPrefix(job.outputPath) + job.outputFileName) : null;
  return { done, output };
}

describe("what run() is given, by input type (blob storage: inputs are downloaded into the sandbox)", () => {
  it("uri_folder: each file under its path relative to the folder, in name order; BATCH_INPUT_DIR is their root", async () => {
    const { done, output } = await run({
      input: { type: "uri_folder", path: "datastores/workspaceblobstore/paths/docs/" },
      miniBatchSize: 2,
    });
    expect(done).toMatchObject({ status: "completed", miniBatchesTotal: 2, filesCompleted: 3 });
    expect(output).toBe(
      [`${IN}/a.txt|${sha("alpha")}|${IN}`, `${IN}/sub/b.txt|${sha("beta")}|${IN}`, `${IN}/sub/deep/c.txt|${sha("gamma")}|${IN}`, ""].join(
        "\n",
      ),
    );
  });

  it("uri_file: the one file by its name", async () => {
    const { output } = await run({ input: { type: "uri_file", path: "datastores/workspaceblobstore/paths/docs/sub/b.txt" } });
    expect(output).toBe(`${IN}/b.txt|${sha("beta")}|${IN}\n`);
  });

  it("tabular: a DataFrame per byte range, with the file's header; quoted commas and line breaks stay in their field", async () => {
    await uploadBlob(fx.target, "t/q.csv", 'id,note\n1,"a, b"\n2,"multi\nline"\n3,plain\n');
    const { done, output } = await run({
      input: { type: "tabular", path: "datastores/workspaceblobstore/paths/t/q.csv" },
      miniBatchSize: 2,
    });
    expect(done).toMatchObject({ status: "completed", miniBatchesTotal: 2, filesCompleted: 3 });
    expect(output).toBe(
      [`id/note|["1", "a, b"]|${IN}`, `id/note|["2", "multi\\nline"]|${IN}`, `id/note|["3", "plain"]|${IN}`, ""].join("\n"),
    );
  });

  it("tabular with row controls: rows decoded with the job's dialect, run()'s results joined to the passthrough column", async () => {
    await uploadBlob(fx.target, "t/s.csv", 'id;note\n1;x\n2;"y;z"\n');
    const { output } = await run({
      input: { type: "tabular", path: "datastores/workspaceblobstore/paths/t/s.csv" },
      csvSettings: { delimiter: ";" },
      passthroughColumns: ["id"],
    });
    // The worker read a standard CSV (the ';' inside quotes is part of the note); the output keeps the job's dialect.
    expect(output).toBe(["id;prediction", `1;"id/note|[""1"", ""x""]|${IN}"`, `2;"id/note|[""2"", ""y;z""]|${IN}"`, ""].join("\n"));
  });

  it("jsonl: a list of dicts; each result goes out as a JSON line with the line's custom_id", async () => {
    await uploadBlob(fx.target, "j/l.jsonl", '{"custom_id":"r1","x":1}\n{"custom_id":"r2","x":[1,2]}\n');
    const { output } = await run({ input: { type: "jsonl", path: "datastores/workspaceblobstore/paths/j/l.jsonl" } });
    expect(output?.split("\n").map((l) => (l ? JSON.parse(l) : l))).toEqual([
      { custom_id: "r1", response: `{"custom_id": "r1", "x": 1}|${IN}`, error: null },
      { custom_id: "r2", response: `{"custom_id": "r2", "x": [1, 2]}|${IN}`, error: null },
      "",
    ]);
  });

  it("a ragged row under row controls fails its mini-batch at once, naming the row and the fix", async () => {
    await uploadBlob(fx.target, "t/r.csv", "a;b\n1;2\n3;4;5\n");
    const { done } = await run({
      input: { type: "tabular", path: "datastores/workspaceblobstore/paths/t/r.csv" },
      csvSettings: { delimiter: ";" },
      passthroughColumns: ["a"],
      maxRetries: 2,
    });
    const mb = await db.miniBatch.findFirstOrThrow({ where: { jobId: done.id } });
    // One attempt of three: retrying cannot fix the row. The job goes on (no error threshold).
    expect(done).toMatchObject({ status: "completed_with_errors", filesFailed: 2 });
    expect(mb).toMatchObject({
      attempts: 1,
      error:
        "Row 2 has 3 fields; the header has 2 (input datastores/workspaceblobstore/paths/t/r.csv). Fix the row, or quote fields that contain the delimiter.",
    });
  });
});
