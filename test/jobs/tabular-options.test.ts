import iconv from "iconv-lite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiToken } from "@/lib/api-tokens/api-tokens";
import { db } from "@/lib/db";
import { outputPrefix } from "@/lib/jobs/finalize-job";
import { invokeJob } from "@/lib/jobs/invoke-job";
import { getJobOrThrow } from "@/lib/jobs/find-jobs";
import { startJob } from "@/lib/jobs/job-commands";
import { presentJob } from "@/lib/jobs/present-job";
import { downloadBlob, readBlobText, uploadBlob } from "@/lib/storage";
import { serveApi } from "../api/helpers";
import { startFunctionsServer } from "../support/functions-server";
import { deploymentFixture, PYTHON, waitForJob } from "../support/jobs";

let server: Awaited<ReturnType<typeof startFunctionsServer>>;
beforeAll(async () => {
  server = await startFunctionsServer();
});
afterAll(async () => server?.close());

async function outputBytes(target: Parameters<typeof downloadBlob>[0], job: { outputPath: string; outputFileName: string }) {
  const parts: Buffer[] = [];
  for await (const c of (await downloadBlob(target, outputPrefix(job.outputPath) + job.outputFileName)) as AsyncIterable<Buffer>)
    parts.push(c);
  return Buffer.concat(parts);
}

describe("tabular scoring controls (DataRobot's names)", () => {
  it("joins passthrough columns in input order to each output row of a tab-delimited CSV with quoted fields", async () => {
    const { workspace, actor, target } = await deploymentFixture({
      code: {
        files: {
          "score.py":
            "import pandas as pd\ndef run(df):\n    assert list(df.columns) == ['id', 'name', 'note', 'x'], list(df.columns)\n    return pd.DataFrame({'score': df['x'] * 2, 'note_len': df['note'].str.len()})\n",
        },
      },
      scoringScript: "score.py",
      interpreter: PYTHON,
    });
    // Row 3's note holds a tab, a line break and a doubled quote inside quotes: one field.
    const notes = ["plain", "with, comma", 'tab\there\nand "quotes"', "last"];
    const tsv = `id\tname\tnote\tx\n${notes.map((n, i) => `${i + 1}\tn${i + 1}\t"${n.replace(/"/g, '""')}"\t${i * 10}`).join("\n")}\n`;
    await uploadBlob(target, "tables/rows.tsv", tsv);
    const { job } = await startJob({
      workspaceId: workspace.id,
      actor,
      endpointName: "scorer",
      input: {
        input: { type: "tabular", path: "datastores/workspaceblobstore/paths/tables/rows.tsv" },
        miniBatchSize: 3,
        passthroughColumns: ["note", "id"],
        csvSettings: { delimiter: "tab" },
      },
    });
    expect(await waitForJob(job.id)).toMatchObject({ status: "completed", miniBatchesTotal: 2, filesTotal: 4, filesCompleted: 4 });
    // The note with a tab, a line break and quotes is quoted again in the output, its quotes doubled.
    expect(await readBlobText(target, outputPrefix(job.outputPath) + "predictions.csv")).toBe(
      [
        "id\tnote\tscore\tnote_len",
        "1\tplain\t0\t5",
        "2\twith, comma\t20\t11",
        `3\t"tab\there\nand ""quotes"""\t40\t${notes[2].length}`,
        "4\tlast\t60\t4",
        "",
      ].join("\n"),
    );
  });

  it("reads latin-1 input and writes latin-1 output; renames and drops output columns", async () => {
    const { workspace, actor, target } = await deploymentFixture({
      code: {
        files: {
          "score.py":
            "import pandas as pd\ndef run(df):\n    return pd.DataFrame({'upper': df['name'].str.upper(), 'junk': 1, 'length': df['name'].str.len()})\n",
        },
      },
      scoringScript: "score.py",
      interpreter: PYTHON,
    });
    const names = ["Zoë", "Müller", "Ñandú", "Ærø"];
    await uploadBlob(target, "tables/latin1.csv", iconv.encode(`id;name\n${names.map((n, i) => `${i + 1};${n}`).join("\n")}\n`, "latin1"));
    const { job } = await startJob({
      workspaceId: workspace.id,
      actor,
      endpointName: "scorer",
      input: {
        input: { type: "tabular", path: "datastores/workspaceblobstore/paths/tables/latin1.csv" },
        miniBatchSize: 2,
        passthroughColumnsSet: "all",
        csvSettings: { delimiter: ";", encoding: "latin-1" },
        columnNamesRemapping: { upper: "NAME_UPPER", junk: null, id: "row_id" },
      },
    });
    expect(await waitForJob(job.id)).toMatchObject({ status: "completed", filesCompleted: 4 });
    const bytes = await outputBytes(target, job);
    // Latin-1: one byte per character, so "ë" is 0xEB, not UTF-8's two bytes.
    expect(bytes.includes(Buffer.from([0xeb]))).toBe(true);
    expect(bytes.includes(Buffer.from("ë", "utf8"))).toBe(false);
    expect(iconv.decode(bytes, "latin1").trim().split("\n")).toEqual([
      "row_id;name;NAME_UPPER;length",
      ...names.map((n, i) => `${i + 1};${n};${n.toUpperCase()};${n.length}`),
    ]);
  });

  it("writes every row of a failed mini-batch with its error as prediction_status when the job continues past errors", async () => {
    const { workspace, actor, target } = await deploymentFixture({
      runtime: "node",
      code: {
        files: {
          "score.mjs":
            "export function run(rows) {\n  if (rows.some((r) => r.id === '5')) throw new Error('bad row 5');\n  return rows.map((r) => Number(r.x) + 1);\n}\n",
        },
      },
      scoringScript: "score.mjs",
      settings: { retrySettings: { maxRetries: 0 } },
    });
    await uploadBlob(target, "tables/nine.csv", `id,x\n${Array.from({ length: 9 }, (_, i) => `${i + 1},${i * 10}`).join("\n")}\n`);
    const { job } = await startJob({
      workspaceId: workspace.id,
      actor,
      endpointName: "scorer",
      input: {
        input: { type: "tabular", path: "datastores/workspaceblobstore/paths/tables/nine.csv" },
        miniBatchSize: 3,
        passthroughColumns: ["id"],
        includePredictionStatus: true,
      },
    });
    expect(await waitForJob(job.id)).toMatchObject({ status: "completed_with_errors", filesCompleted: 6, filesFailed: 3 });
    const lines = (await readBlobText(target, outputPrefix(job.outputPath) + "predictions.csv")).trim().split("\n");
    expect(lines).toEqual([
      "id,prediction,prediction_status",
      "1,1,OK",
      "2,11,OK",
      "3,21,OK",
      "4,,run() raised Error: bad row 5",
      "5,,run() raised Error: bad row 5",
      "6,,run() raised Error: bad row 5",
      "7,61,OK",
      "8,71,OK",
      "9,81,OK",
    ]);
  });

  it("scores JSON Lines: run() gets a list of dicts and each output line carries its custom_id", async () => {
    const { workspace, actor, target } = await deploymentFixture({
      code: {
        files: {
          "score.py":
            "def run(batch):\n    assert isinstance(batch, list) and isinstance(batch[0], dict), type(batch)\n    return [{'words': len(r['body']['text'].split())} for r in batch]\n",
        },
      },
      scoringScript: "score.py",
      interpreter: PYTHON,
    });
    const requests = Array.from({ length: 5 }, (_, i) => ({
      custom_id: `req-${i + 1}`,
      body: {
        text: "one two three"
          .split(" ")
          .slice(0, (i % 3) + 1)
          .join(" "),
      },
    }));
    await uploadBlob(target, "requests/batch.jsonl", `${requests.map((r) => JSON.stringify(r)).join("\n")}\n`);
    const { job } = await startJob({
      workspaceId: workspace.id,
      actor,
      endpointName: "scorer",
      input: { input: { type: "jsonl", path: "datastores/workspaceblobstore/paths/requests/batch.jsonl" }, miniBatchSize: 2 },
    });
    expect(job.outputFileName).toBe("predictions.jsonl");
    expect(await waitForJob(job.id)).toMatchObject({ status: "completed", miniBatchesTotal: 3, filesTotal: 5, filesCompleted: 5 });
    const lines = (await readBlobText(target, outputPrefix(job.outputPath) + "predictions.jsonl"))
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(lines).toEqual(requests.map((r, i) => ({ custom_id: r.custom_id, response: { words: (i % 3) + 1 }, error: null })));
    // A jsonl job has no CSV dialect to show; it counts lines as rows.
    expect(presentJob(await getJobOrThrow({ workspaceId: workspace.id, name: job.name }))).toMatchObject({
      scoredRows: 5,
      failedRows: 0,
      skippedRows: 0,
      percentageCompleted: 100,
      rowOptions: { csvSettings: null, includePredictionStatus: false },
    });
  });

  it("fails a jsonl job whose line is not a JSON object, naming the line", async () => {
    const { workspace, actor, target } = await deploymentFixture({
      code: { files: { "score.py": "def run(b): return b\n" } },
      scoringScript: "score.py",
      interpreter: PYTHON,
    });
    await uploadBlob(target, "requests/bad.jsonl", '{"custom_id": "a"}\n[1, 2]\n');
    const { job } = await startJob({
      workspaceId: workspace.id,
      actor,
      endpointName: "scorer",
      input: { input: { type: "jsonl", path: "datastores/workspaceblobstore/paths/requests/bad.jsonl" } },
    });
    const done = await waitForJob(job.id);
    expect(done.status).toBe("failed");
    expect(done.error).toMatch(/^Line 2 is not a JSON object/);
  });
});

describe("row controls over REST", () => {
  let api: Awaited<ReturnType<typeof serveApi>>;
  afterAll(async () => api?.close());

  it("answers bad settings with 400 naming the field, and starts nothing", async () => {
    api = await serveApi();
    const { workspace, actor, target } = await deploymentFixture({
      code: { files: { "score.py": "def run(b): return b\n" } },
      scoringScript: "score.py",
      interpreter: PYTHON,
    });
    await uploadBlob(target, "tables/ab.csv", "a,b\n1,2\n");
    const token = (await createApiToken({ workspaceId: workspace.id, actor, name: "t", role: "scientist" })).token;
    const input = { type: "tabular", path: "datastores/workspaceblobstore/paths/tables/ab.csv" };
    const post = (body: Record<string, unknown>) => api.call("POST", "/api/v1/endpoints/scorer/jobs", token, { input, ...body });
    const cases: [Record<string, unknown>, string, RegExp][] = [
      [{ csvSettings: { delimeter: ";" } }, "csvSettings.delimeter", /delimiter/],
      [{ csvSettings: { encoding: "ebcdic" } }, "csvSettings.encoding", /utf-8, utf-16, latin-1/],
      [{ csvSettings: { delimiter: ";;" } }, "csvSettings.delimiter", /one character/],
      [{ passthroughColumns: ["a", "c"] }, "passthroughColumns", /has no column c; its columns are a, b/],
      [{ passthroughColumns: ["a"], passthroughColumnsSet: "all" }, "passthroughColumnsSet", /not both/],
      [{ passthroughColumnsSet: "some" }, "passthroughColumnsSet", /"all"/],
      [
        { input: { type: "uri_folder", path: "datastores/workspaceblobstore/paths/tables/" }, includePredictionStatus: true },
        "includePredictionStatus",
        /tabular and jsonl input only/,
      ],
    ];
    for (const [body, field, message] of cases) {
      const res = await post(body);
      expect(res.status, `${JSON.stringify(body)}: ${res.text}`).toBe(400);
      expect(res.json.error.details.fieldErrors[field]?.join(" "), res.text).toMatch(message);
    }
    expect(await db.job.count({ where: { workspaceId: workspace.id } })).toBe(0);
    const ok = await post({ passthroughColumns: ["b"], csvSettings: { encoding: "UTF-8" } });
    expect(ok.status, ok.text).toBe(202);
    const shown = await api.call("GET", `/api/v1/jobs/${ok.json.name}`, token);
    expect(shown.json.rowOptions).toEqual({
      passthroughColumns: ["b"],
      csvSettings: { delimiter: ",", quotechar: '"', encoding: "utf-8" },
      columnNamesRemapping: {},
      includePredictionStatus: false,
    });
  });

  it("shows queuePosition: how many earlier unfinished jobs of the deployment a queued job waits behind", async () => {
    const { workspace, actor, target } = await deploymentFixture({
      code: { files: { "score.py": "def run(b): return b\n" } },
      scoringScript: "score.py",
      interpreter: PYTHON,
    });
    await uploadBlob(target, "tables/q.csv", "a\n1\n");
    const token = (await createApiToken({ workspaceId: workspace.id, actor, name: "q", role: "reader" })).token;
    // Stored, not started (no event sent): both wait, the second behind the first.
    const invoke = () =>
      invokeJob({
        workspaceId: workspace.id,
        actor,
        endpointName: "scorer",
        input: {
          input: { type: "tabular", path: "datastores/workspaceblobstore/paths/tables/q.csv" },
          output: { path: "datastores/workspaceblobstore/paths/q/{job}/" },
        },
      });
    const first = (await invoke()).job;
    const second = (await invoke()).job;
    const shown = async (name: string) => (await api.call("GET", `/api/v1/jobs/${name}`, token)).json;
    expect(await shown(first.name)).toMatchObject({ status: "queued", queuePosition: 0, scoredRows: 0, percentageCompleted: 0 });
    expect(await shown(second.name)).toMatchObject({ status: "queued", queuePosition: 1 });
    await db.job.update({ where: { id: first.id }, data: { status: "canceled", finishedAt: new Date() } });
    expect(await shown(first.name)).toMatchObject({ queuePosition: null });
    expect(await shown(second.name)).toMatchObject({ queuePosition: 0 });
  });
});
