// The az ml command surface, with scripts and YAML of our own written in the style of Azure's
// batch examples: models globbed under AZUREML_MODEL_DIR, `--query status -o tsv` checks, job stream,
// named-output download, list-jobs, update --set, invoke --set, binary code files, data assets,
// and the deployments Batchpoint refuses with a message saying what to do instead.
import { createHash } from "node:crypto";
import { mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { BASE_URL, cli as run, writeFiles, type Result } from "./support";
import { E2E_ADMIN_TOKEN } from "../../playwright.config";

const id = Date.now().toString(36).slice(-5);
const ENDPOINT = `az-cli-${id}`;
let home: string;
const cli = (args: string[], opts?: { cwd?: string }): Promise<Result> => run(home, args, opts);

// Azure's style: the model folder is found under AZUREML_MODEL_DIR by globbing, run() returns a DataFrame.
const DRIVER = `import glob
import hashlib
import os
from os.path import basename
from typing import List

import pandas as pd


def init():
    global factor, lookup_sha
    model_file = glob.glob(f"{os.environ['AZUREML_MODEL_DIR']}/*/*.pkl")[-1]
    factor = int(open(model_file).read())
    lookup = os.path.join(os.path.dirname(os.path.abspath(__file__)), "lookup.bin")
    lookup_sha = hashlib.sha256(open(lookup, "rb").read()).hexdigest() if os.path.exists(lookup) else "none"


def run(mini_batch: List[str]) -> pd.DataFrame:
    print(f"Executing run method over batch of {len(mini_batch)} files.")
    results = []
    for path in mini_batch:
        value = int(open(path).read().strip())
        if value < 0:
            raise ValueError(f"negative input in {basename(path)}")
        results.append({"file": basename(path), "score": value * factor, "lookup": lookup_sha[:12]})
    return pd.DataFrame(results)
`;

const BINARY = Buffer.from([0x80, 0x04, 0x95, 0x10, 0x00, 0xff, 0xfe, 0x00, 0x2e, 0xc3, 0x28]);

function deploymentYml(name: string, extra = "", code = "code") {
  return `$schema: https://azuremlschemas.azureedge.net/latest/modelBatchDeployment.schema.json
name: ${name}
endpoint_name: ${ENDPOINT}
type: model
model:
  name: factor-${id}
  path: model
code_configuration:
  code: ${code}
  scoring_script: driver.py
environment:
  name: batch-py
  conda_file: environment/conda.yaml
compute: azureml:batch-cluster
interpreter: /usr/bin/python3
resources:
  instance_count: 2
settings:
  max_concurrency_per_instance: 2
  mini_batch_size: 2
  output_action: append_row
  output_file_name: predictions.csv
  retry_settings:
    max_retries: 0
    timeout: 60
  error_threshold: -1
  logging_level: info
${extra}`;
}

test.describe.configure({ mode: "serial" });

let project: string;

test.beforeAll(async () => {
  home = await mkdtemp(path.join(tmpdir(), "batchpoint-az-"));
  project = path.join(home, "project");
  await writeFiles(project, {
    "endpoint.yml": `$schema: https://azuremlschemas.azureedge.net/latest/batchEndpoint.schema.json\nname: ignored-by-name-flag\ndescription: az ml style endpoint\nauth_mode: aad_token\ntags:\n  type: numbers\n`,
    "code/driver.py": DRIVER,
    "code-bin/driver.py": DRIVER,
    "code-bin/lookup.bin": BINARY,
    "model/factor.pkl": "3",
    "data/a.txt": "1",
    "data/b.txt": "2",
    "data/c.txt": "3",
    "bad-data/a.txt": "1",
    "bad-data/n.txt": "-5",
    // Azure's conda file: conda packages are noted (no conda here); its empty pip section builds a venv over the system python.
    "environment/conda.yaml": "name: batch-py\nchannels:\n  - conda-forge\ndependencies:\n  - python=3.11\n  - pandas\n  - pip\n",
    "deployment.yml": deploymentYml("numbers"),
  });
});

test("compute create is a no-op note; batch-endpoint create --file reads endpoint.yml; --query/-o work on show", async () => {
  const compute = await cli([
    "compute",
    "create",
    "-n",
    "batch-cluster",
    "--type",
    "amlcompute",
    "--min-instances",
    "0",
    "--max-instances",
    "5",
  ]);
  expect(compute.code).toBe(0);
  expect(compute.stderr).toContain("note: Batchpoint needs no compute");

  const created = await cli(["batch-endpoint", "create", "--file", path.join(project, "endpoint.yml"), "--name", ENDPOINT]);
  expect(created.code, created.stderr).toBe(0);
  expect(created.stderr).toContain("note: not acted on by Batchpoint: auth_mode");
  const show = await cli(["batch-endpoint", "show", "-n", ENDPOINT, "--query", "{Name:name, Tags:tags, Description:description}"]);
  expect(show.code, show.stderr).toBe(0);
  expect(JSON.parse(show.stdout)).toEqual({ Name: ENDPOINT, Tags: { type: "numbers" }, Description: "az ml style endpoint" });
  const table = await cli([
    "batch-endpoint",
    "list",
    "-o",
    "table",
    "--query",
    `[?name=='${ENDPOINT}'].{name:name, state:provisioning_state}`,
  ]);
  expect(table.stdout).toMatch(new RegExp(`^Name\\s+State\\n-+\\s+-+\\n${ENDPOINT}\\s+Succeeded$`, "m"));
});

test("batch-deployment create: resources.instance_count is read, the note names what is not acted on", async () => {
  const r = await cli(["batch-deployment", "create", "--file", path.join(project, "deployment.yml"), "--set-default"]);
  expect(r.code, r.stderr).toBe(0);
  expect(r.stderr).toContain("note: not acted on by Batchpoint: environment.name, compute");
  // az's tsv: a list one value per line, an object its values on one line.
  const list = await cli([
    "batch-deployment",
    "show",
    "-n",
    "numbers",
    "-e",
    ENDPOINT,
    "--query",
    "[resources.instance_count, settings.mini_batch_size, settings.retry_settings.max_retries]",
    "-o",
    "tsv",
  ]);
  expect(list.stdout).toBe("2\n2\n0\n");
  const row = await cli([
    "batch-deployment",
    "show",
    "-n",
    "numbers",
    "-e",
    ENDPOINT,
    "--query",
    "{n:resources.instance_count, size:settings.mini_batch_size, action:settings.output_action}",
    "-o",
    "tsv",
  ]);
  expect(row.stdout).toBe("2\t2\tappend_row\n");
  const model = await cli(["batch-deployment", "show", "-n", "numbers", "-e", ENDPOINT, "--query", "model", "-o", "tsv"]);
  expect(model.stdout.trim()).toBe(`azureml:factor-${id}:1`);
});

test("invoke --query name -o tsv prints the job name alone; stream follows it; status is Azure's Completed; scores download to named-outputs/score", async () => {
  const inv = await cli([
    "batch-endpoint",
    "invoke",
    "--name",
    ENDPOINT,
    "--input",
    path.join(project, "data"),
    "--input-type",
    "uri_folder",
    "--query",
    "name",
    "-o",
    "tsv",
  ]);
  expect(inv.code, inv.stderr).toBe(0);
  const job = inv.stdout.trim();
  expect(job).toMatch(/^batchjob-\d{8}-[0-9a-f]+$/);

  const web = await cli(["job", "show", "-n", job, "--web"]);
  expect(web.stdout.trim()).toBe(`${BASE_URL}/w/default/jobs/${job}`);

  const stream = await cli(["job", "stream", "-n", job]);
  expect(stream.code, stream.stdout + stream.stderr).toBe(0);
  expect(stream.stdout).toContain(`RunId: ${job}`);
  expect(stream.stdout).toContain("Executing run method over batch of 2 files.");
  expect(stream.stdout).toMatch(/Execution Summary\n=+\nRunId: \S+\nStatus: Completed\n/);

  const status = await cli(["job", "show", "-n", job, "--query", "status", "-o", "tsv"]);
  expect(status.stdout).toBe("Completed\n");

  const dl = await cli(["job", "download", "--name", job, "--output-name", "score", "--download-path", "./"], { cwd: project });
  expect(dl.code, dl.stderr).toBe(0);
  const csv = (await readFile(path.join(project, "named-outputs/score/predictions.csv"), "utf8")).trim().split("\n");
  expect(csv[0]).toBe("file,score,lookup");
  expect(csv.slice(1).sort()).toEqual(["a.txt,3,none", "b.txt,6,none", "c.txt,9,none"]);
});

test("a binary file in the code folder reaches the scoring script byte for byte", async () => {
  await writeFiles(project, { "bytes.yml": deploymentYml("bytes", "", "code-bin") });
  const r = await cli(["batch-deployment", "create", "--file", path.join(project, "bytes.yml")]);
  test.skip(r.code === 1 && /code\.files/.test(r.stderr), `this server does not take base64 code files yet: ${r.stderr.trim()}`);
  expect(r.code, r.stderr).toBe(0);
  const inv = await cli([
    "batch-endpoint",
    "invoke",
    "-n",
    ENDPOINT,
    "-d",
    "bytes",
    "--input",
    path.join(project, "data"),
    "--query",
    "name",
    "-o",
    "tsv",
  ]);
  const job = inv.stdout.trim();
  expect((await cli(["job", "show", "-n", job, "--wait", "--query", "status", "-o", "tsv"])).stdout).toBe("Completed\n");
  const out = path.join(project, "bytes-out");
  expect((await cli(["job", "download", "-n", job, "--download-path", out])).code).toBe(0);
  const sha = createHash("sha256").update(BINARY).digest("hex").slice(0, 12);
  const csv = (await readFile(path.join(out, "named-outputs/score/predictions.csv"), "utf8")).trim().split("\n");
  expect(csv.slice(1).sort()).toEqual([`a.txt,3,${sha}`, `b.txt,6,${sha}`, `c.txt,9,${sha}`]);
});

test("invoke --set takes Azure's settings (unknown keys exit 2); list-jobs and update --set defaults.deployment_name", async () => {
  const bad = await cli([
    "batch-endpoint",
    "invoke",
    "-n",
    ENDPOINT,
    "--input",
    path.join(project, "data"),
    "--set",
    "output_filename=x.csv",
  ]);
  expect(bad.code).toBe(2);
  expect(bad.stderr).toContain("Did you mean 'output_file_name'?");

  const out = `azureml://datastores/workspaceblobstore/paths/${ENDPOINT}`;
  const inv = await cli([
    "batch-endpoint",
    "invoke",
    "-n",
    ENDPOINT,
    "--input",
    path.join(project, "data"),
    "--output-path",
    out,
    "--set",
    "output_file_name=predictions_7.csv",
    "--set",
    "mini_batch_size=3",
    "--query",
    "name",
    "-o",
    "tsv",
  ]);
  expect(inv.code, inv.stderr).toBe(0);
  const job = inv.stdout.trim();
  const shown = await cli([
    "job",
    "show",
    "-n",
    job,
    "--wait",
    "--query",
    "{status:status, out:outputs.score.file_name, size:settings.mini_batch_size}",
    "-o",
    "json",
  ]);
  expect(shown.code, shown.stderr).toBe(0);
  expect(JSON.parse(shown.stdout)).toEqual({ status: "Completed", out: "predictions_7.csv", size: 3 });

  const jobs = await cli(["batch-deployment", "list-jobs", "--name", "numbers", "--endpoint-name", ENDPOINT, "--query", "[].name"]);
  expect(JSON.parse(jobs.stdout)).toContain(job);
  expect(JSON.parse(jobs.stdout).length).toBeGreaterThanOrEqual(2);

  // A second deployment (with a misspelt setting: named in the note, not dropped silently), then made the default the Azure way.
  await writeFiles(project, { "second.yml": deploymentYml("second", "  mini_batch_sise: 4\n") });
  const second = await cli(["batch-deployment", "create", "--f", path.join(project, "second.yml")]);
  expect(second.code, second.stderr).toBe(0);
  expect(second.stderr).toContain("settings.mini_batch_sise");
  const upd = await cli(["batch-endpoint", "update", "--name", ENDPOINT, "--set", "defaults.deployment_name=second"]);
  expect(upd.code, upd.stderr).toBe(0);
  const def = await cli(["batch-endpoint", "show", "--name", ENDPOINT, "--query", "defaults.deployment_name", "-o", "tsv"]);
  expect(def.stdout).toBe("second\n");
});

test("a job whose inputs failed says so: stream and logs show the traceback, and the exit code tells it from a clean run", async () => {
  const inv = await cli([
    "batch-endpoint",
    "invoke",
    "-n",
    ENDPOINT,
    "-d",
    "numbers",
    "--input",
    path.join(project, "bad-data"),
    "--query",
    "name",
    "-o",
    "tsv",
  ]);
  const job = inv.stdout.trim();
  const stream = await cli(["job", "stream", "-n", job]);
  const status = (await cli(["job", "show", "-n", job, "--query", "status", "-o", "tsv"])).stdout.trim();
  // With error_threshold -1 the job finishes; a server with the completed_with_errors state reports it (exit 3).
  expect(["CompletedWithErrors", "Completed"]).toContain(status);
  expect(stream.code).toBe(status === "CompletedWithErrors" ? 3 : 0);
  expect(stream.stdout).toContain("ValueError: negative input in n.txt");
  const logs = await cli(["job", "logs", job]);
  expect(logs.stdout).toContain("Traceback (most recent call last)");
  expect(logs.stdout).toContain("ValueError: negative input in n.txt");
  const wait = await cli(["job", "show", job, "--wait"]);
  expect(wait.code).toBe(status === "CompletedWithErrors" ? 3 : 0);
});

test("pipeline and MLflow no-code deployments are refused with what to do instead (exit 2)", async () => {
  await writeFiles(project, {
    "pipeline.yml": `name: p\nendpoint_name: ${ENDPOINT}\ntype: pipeline\ncomponent: azureml:prepare_and_score@latest\n`,
    "mlflow/model/MLmodel": "flavors:\n  python_function: {}\n",
    "mlflow/deployment.yml": `name: m\nendpoint_name: ${ENDPOINT}\nmodel:\n  name: heart-${id}\n  path: model\n`,
  });
  const p = await cli(["batch-deployment", "create", "--file", path.join(project, "pipeline.yml")]);
  expect(p.code).toBe(2);
  expect(p.stderr).toContain("pipeline deployments (type: pipeline, component:) are not supported");
  const m = await cli(["batch-deployment", "create", "--file", path.join(project, "mlflow/deployment.yml")]);
  expect(m.code).toBe(2);
  expect(m.stderr).toContain("MLflow no-code deployment (a model with an MLmodel file and no code_configuration)");
  expect(m.stderr).toContain("add code_configuration");
});

test("data assets: create from a local folder, list, show --label latest, and invoke with azureml:name@latest", async ({ request }) => {
  const probe = await request.get(`${BASE_URL}/api/v1/data`, { headers: { authorization: `Bearer ${E2E_ADMIN_TOKEN}` } });
  test.skip(probe.status() === 404, "this server has no data assets API yet");
  const name = `numbers-${id}`;
  const created = await cli(["data", "create", "--name", name, "--type", "uri_folder", "--path", path.join(project, "data")]);
  expect(created.code, created.stderr).toBe(0);
  expect(created.stdout).toContain(`Created data asset ${name}:1`);
  const again = await cli(["data", "create", "--name", name, "--path", path.join(project, "data"), "-o", "json"]);
  expect(JSON.parse(again.stdout)).toMatchObject({ name, version: "2", type: "uri_folder" });
  const latest = await cli(["data", "show", "--name", name, "--label", "latest", "--query", "{v:version, p:path}", "-o", "tsv"]);
  expect(latest.stdout).toMatch(new RegExp(`^2\t(azureml://)?datastores/workspaceblobstore/paths/data/${name}/2/?\n$`));
  const list = await cli(["data", "list", "--query", `[?name=='${name}'].latest_version`, "-o", "tsv"]);
  expect(list.stdout.trim()).toBe("2");
  const inv = await cli([
    "batch-endpoint",
    "invoke",
    "-n",
    ENDPOINT,
    "-d",
    "numbers",
    "--input",
    `azureml:${name}@latest`,
    "--query",
    "name",
    "-o",
    "tsv",
  ]);
  expect(inv.code, inv.stderr).toBe(0);
  const status = await cli(["job", "show", "-n", inv.stdout.trim(), "--wait", "--query", "status", "-o", "tsv"]);
  expect(status.stdout).toBe("Completed\n");
});

test("delete --yes, as the examples end", async () => {
  // The default deployment cannot go first; "numbers" is not the default any more.
  const d = await cli(["batch-deployment", "delete", "--name", "numbers", "--endpoint-name", ENDPOINT, "--yes"]);
  expect(d.code, d.stderr).toBe(0);
  const e = await cli(["batch-endpoint", "delete", "--name", ENDPOINT, "--yes"]);
  expect(e.code, e.stderr).toBe(0);
  expect((await cli(["batch-endpoint", "show", "-n", ENDPOINT])).code).toBe(1);
});
