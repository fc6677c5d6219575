// The az ml command surface, with scripts and YAML of our own written in the style of Azure's
// batch examples: models globbed under AZUREML_MODEL_DIR, `--query status -o tsv` checks, job stream,
// named-output download, list-jobs, update --set, invoke --set, binary code files, data assets,
// and the deployments Batchpoint refuses with a message saying what to do instead.
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readdir, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { BASE_URL, cli as run, writeFiles, type Result } from "./support";

const id = Date.now().toString(36).slice(-5);
const ENDPOINT = `az-cli-${id}`;
let home: string;
const cli = (args: string[], opts?: { cwd?: string }): Promise<Result> => run(home, args, opts);
const mkdirp = async (dir: string) => (await mkdir(dir, { recursive: true }), dir);

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

// Azure's custom-outputs style: one file per input into AZUREML_BI_OUTPUT_PATH, run() returns the inputs (summary_only).
const OUTPUTS_DRIVER = `import glob
import os
from pathlib import Path

import pandas as pd


def init():
    global factor, output_path
    output_path = os.environ["AZUREML_BI_OUTPUT_PATH"]
    factor = int(open(glob.glob(f"{os.environ['AZUREML_MODEL_DIR']}/*/*.pkl")[-1]).read())


def run(mini_batch):
    for file_path in mini_batch:
        value = int(open(file_path).read().strip())
        frame = pd.DataFrame([{"value": value, "score": value * factor}])
        frame.to_csv(os.path.join(output_path, Path(file_path).stem + ".csv"), index=False)
    return mini_batch
`;

// What the issue saw with every example before the model layout was Azure's: init() globbing for a file that is not there.
const BROKEN_INIT_DRIVER = `import glob
import os


def init():
    global model_file
    model_file = glob.glob(f"{os.environ['AZUREML_MODEL_DIR']}/*/*.pt")[-1]


def run(mini_batch):
    return mini_batch
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
    "code-outputs/driver.py": OUTPUTS_DRIVER,
    "code-init/driver.py": BROKEN_INIT_DRIVER,
    "model/factor.pkl": "3",
    "data/a.txt": "1",
    "data/b.txt": "2",
    "data/c.txt": "3",
    "bad-data/a.txt": "1",
    "bad-data/b.txt": "2",
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

  // Azure's inputs file, its input mode included: what Batchpoint does not act on is named, the job runs.
  await writeFiles(project, {
    "inputs.yml":
      "inputs:\n  numbers:\n    type: uri_folder\n    path: data\n    mode: ro_mount\n  threshold:\n    type: float\n    value: 0.5\n",
  });
  const fromFile = await cli([
    "batch-endpoint",
    "invoke",
    "-n",
    ENDPOINT,
    "--f",
    path.join(project, "inputs.yml"),
    "--query",
    "name",
    "-o",
    "tsv",
  ]);
  expect(fromFile.code, fromFile.stderr).toBe(0);
  expect(fromFile.stderr).toContain("note: not acted on by Batchpoint: inputs.numbers.mode in ");
  const literal = await cli(["job", "show", "-n", fromFile.stdout.trim(), "--wait", "--query", "[status, inputs.threshold]", "-o", "tsv"]);
  expect(literal.stdout).toBe("Completed\n0.5\n");

  const jobs = await cli(["batch-deployment", "list-jobs", "--name", "numbers", "--endpoint-name", ENDPOINT, "--query", "[].name"]);
  expect(JSON.parse(jobs.stdout)).toContain(job);
  expect(JSON.parse(jobs.stdout).length).toBeGreaterThanOrEqual(2);

  // A second deployment (with a misspelt setting: named in the note, not dropped silently), then made the default the Azure way.
  await writeFiles(project, { "second.yml": deploymentYml("second", "  mini_batch_sise: 4\n") });
  // az's --set over the file, and az's abbreviation --endpoint of --endpoint-name.
  const second = await cli([
    "batch-deployment",
    "create",
    "--f",
    path.join(project, "second.yml"),
    "--endpoint",
    ENDPOINT,
    "--set",
    "settings.environment_variables.REGION=eu-west",
    "--set",
    "settings.max_concurrency_per_instance=1",
  ]);
  expect(second.code, second.stderr).toBe(0);
  expect(second.stderr).toContain("settings.mini_batch_sise");
  const set = await cli([
    "batch-deployment",
    "show",
    "-n",
    "second",
    "-e",
    ENDPOINT,
    "--query",
    "[settings.environment_variables.REGION, settings.max_concurrency_per_instance]",
    "-o",
    "tsv",
  ]);
  expect(set.stdout).toBe("eu-west\n1\n");
  const typo = await cli(["batch-deployment", "create", "--f", path.join(project, "second.yml"), "--set", "setings.mini_batch_size=3"]);
  expect(typo.code).toBe(2);
  expect(typo.stderr).toContain("Did you mean 'settings'?");
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
  // With error_threshold -1 the job finishes, but not as a clean run: Azure's status check does not pass it, and
  // the exit code (3) tells it from both a clean run (0) and a failed job (1).
  expect(stream.code, stream.stdout + stream.stderr).toBe(3);
  expect(stream.stdout).toMatch(/Execution Summary\n=+\nRunId: \S+\nStatus: CompletedWithErrors\nFiles: 2 scored, 1 failed, of 3\n/);
  expect(stream.stdout).toContain("ValueError: negative input in n.txt");
  expect(stream.stderr).toContain(`job ${job} completed with errors: 1 files failed`);
  const status = await cli(["job", "show", "-n", job, "--query", "status", "-o", "tsv"]);
  expect(status.stdout).toBe("CompletedWithErrors\n");
  const logs = await cli(["job", "logs", job]);
  expect(logs.stdout).toContain("Traceback (most recent call last)");
  expect(logs.stdout).toMatch(/line \d+, in run\n/);
  expect(logs.stdout).toContain("ValueError: negative input in n.txt");
  const wait = await cli(["job", "show", job, "--wait"]);
  expect(wait.code).toBe(3);
  expect(wait.stdout).toContain(`Job ${job} completed_with_errors: 2 of 3 files scored, 1 failed`);
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

test("data assets: create from a local folder and from Azure's data YAML, list, show --label latest, and invoke with azureml:name@latest and :version", async () => {
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
  const status = await cli(["job", "show", "-n", inv.stdout.trim(), "--wait", "--query", "{s:status, p:inputs.input.path}", "-o", "tsv"]);
  expect(status.stdout).toBe(`Completed\tdatastores/workspaceblobstore/paths/data/${name}/2/\n`);

  // Azure's data.schema.json file, path relative to it, as the heart-classifier and imagenet examples create theirs.
  await writeFiles(project, {
    "assets/numbers.yml": `$schema: https://azuremlschemas.azureedge.net/latest/data.schema.json\nname: ${name}\ndescription: numbers from a file\ntype: uri_folder\npath: ../data\n`,
  });
  const fromFile = await cli([
    "data",
    "create",
    "-f",
    path.join(project, "assets/numbers.yml"),
    "--query",
    "{v:version, d:description}",
    "-o",
    "tsv",
  ]);
  expect(fromFile.code, fromFile.stderr).toBe(0);
  expect(fromFile.stdout).toBe("3\tnumbers from a file\n");
  const pinned = await cli([
    "batch-endpoint",
    "invoke",
    "-n",
    ENDPOINT,
    "-d",
    "numbers",
    "--input",
    `azureml:${name}:1`,
    "--query",
    "name",
    "-o",
    "tsv",
  ]);
  expect(pinned.code, pinned.stderr).toBe(0);
  const ran = await cli(["job", "show", "-n", pinned.stdout.trim(), "--wait", "--query", "[status, inputs.input.path]", "-o", "tsv"]);
  expect(ran.stdout).toBe(`Completed\ndatastores/workspaceblobstore/paths/data/${name}/1/\n`);
  const missing = await cli(["batch-endpoint", "invoke", "-n", ENDPOINT, "--input", `azureml:${name}:9`]);
  expect(missing.code).toBe(1);
  expect(missing.stderr).toContain(`${name}`);
});

test("custom outputs: files a summary_only script writes to AZUREML_BI_OUTPUT_PATH are the score output that job download brings", async () => {
  await writeFiles(project, {
    "outputs.yml": deploymentYml("outputs", "", "code-outputs").replace("output_action: append_row", "output_action: summary_only"),
  });
  const created = await cli(["batch-deployment", "create", "--file", path.join(project, "outputs.yml")]);
  expect(created.code, created.stderr).toBe(0);
  const inv = await cli([
    "batch-endpoint",
    "invoke",
    "-n",
    ENDPOINT,
    "-d",
    "outputs",
    "--input",
    path.join(project, "data"),
    "--query",
    "name",
    "-o",
    "tsv",
  ]);
  expect(inv.code, inv.stderr).toBe(0);
  const job = inv.stdout.trim();
  const stream = await cli(["job", "stream", "-n", job]);
  expect(stream.code, stream.stdout + stream.stderr).toBe(0);
  expect((await cli(["job", "show", "-n", job, "--query", "status", "-o", "tsv"])).stdout).toBe("Completed\n");

  // As the example does: az ml job download --name J --output-name score --download-path ./
  const dir = path.join(project, "outputs-dl");
  const dl = await cli(["job", "download", "--name", job, "--output-name", "score", "--download-path", "./"], { cwd: await mkdirp(dir) });
  expect(dl.code, dl.stderr).toBe(0);
  expect((await readdir(path.join(dir, "named-outputs/score"))).sort()).toEqual(["a.csv", "b.csv", "c.csv"]);
  expect(await readFile(path.join(dir, "named-outputs/score/b.csv"), "utf8")).toBe("value,score\n2,6\n");
  expect(existsSync(path.join(dir, "artifacts"))).toBe(false);

  // --all adds the job's own files, apart from the score.
  const all = await cli(["job", "download", "-n", job, "--all", "-p", path.join(dir, "all")]);
  expect(all.code, all.stderr).toBe(0);
  expect((await readdir(path.join(dir, "all/artifacts"))).sort()).toEqual(["errors.jsonl", "job-summary.json"]);
  expect((await readdir(path.join(dir, "all/named-outputs/score"))).sort()).toEqual(["a.csv", "b.csv", "c.csv"]);
});

test("the older batchDeployment.schema.json layout: settings at the top level are applied, none is dropped", async () => {
  await writeFiles(project, {
    "older.yml": `$schema: https://azuremlschemas.azureedge.net/latest/batchDeployment.schema.json
name: older
endpoint_name: ${ENDPOINT}
model: azureml:factor-${id}:1
code_configuration:
  code: code
  scoring_script: driver.py
interpreter: /usr/bin/python3
compute: azureml:batch-cluster
mini_batch_size: 1
instance_count: 1
max_concurrency_per_instance: 1
output_file_name: older.csv
retry_settings:
  max_retries: 1
  timeout: 45
error_threshold: 5
`,
  });
  const created = await cli(["batch-deployment", "create", "--file", path.join(project, "older.yml")]);
  expect(created.code, created.stderr).toBe(0);
  expect(created.stderr).toContain("note: not acted on by Batchpoint: compute");
  const shown = await cli([
    "batch-deployment",
    "show",
    "-n",
    "older",
    "-e",
    ENDPOINT,
    "--query",
    "[settings.mini_batch_size, resources.instance_count, settings.output_file_name, settings.retry_settings.max_retries, settings.retry_settings.timeout, settings.error_threshold]",
    "-o",
    "tsv",
  ]);
  expect(shown.stdout).toBe("1\n1\nolder.csv\n1\n45\n5\n");
  const inv = await cli([
    "batch-endpoint",
    "invoke",
    "-n",
    ENDPOINT,
    "-d",
    "older",
    "--input",
    path.join(project, "data"),
    "--query",
    "name",
    "-o",
    "tsv",
  ]);
  const ran = await cli([
    "job",
    "show",
    "-n",
    inv.stdout.trim(),
    "--wait",
    "--query",
    "[status, outputs.score.file_name, progress.mini_batches_total]",
    "-o",
    "tsv",
  ]);
  expect(ran.stdout).toBe("Completed\nolder.csv\n3\n");
});

test("an init() that fails fails the job at once with its error, not after retries (the stream exits 1)", async () => {
  await writeFiles(project, {
    "broken.yml": deploymentYml("broken", "", "code-init").replace("max_retries: 0", "max_retries: 3"),
  });
  expect((await cli(["batch-deployment", "create", "--file", path.join(project, "broken.yml")])).code).toBe(0);
  const inv = await cli([
    "batch-endpoint",
    "invoke",
    "-n",
    ENDPOINT,
    "-d",
    "broken",
    "--input",
    path.join(project, "data"),
    "--query",
    "name",
    "-o",
    "tsv",
  ]);
  const job = inv.stdout.trim();
  const stream = await cli(["job", "stream", "-n", job]);
  expect(stream.code, stream.stdout + stream.stderr).toBe(1);
  expect(stream.stdout).toContain("IndexError: list index out of range");
  expect(stream.stdout).toMatch(
    /\nStatus: Failed\nFiles: 0 scored, 3 failed, of 3\nError: init\(\) of deployment broken v1 failed, so no mini-batch can run: /,
  );
  // Both mini-batches failed on their first attempt, although max_retries is 3.
  const headers = stream.stdout.match(/^=== mini-batch \d+ \(failed, attempt \d+\).*$/gm) ?? [];
  expect(headers.length, stream.stdout).toBeGreaterThan(0);
  for (const h of headers) expect(h).toContain("attempt 1)");
  const status = await cli(["job", "show", "-n", job, "--query", "[status, error]", "-o", "tsv"]);
  expect(status.stdout).toMatch(/^Failed\ninit\(\) of deployment broken v1 failed, so no mini-batch can run: .*IndexError/);
});

test("delete --yes, as the examples end", async () => {
  // The default deployment cannot go first; "numbers" is not the default any more.
  const d = await cli(["batch-deployment", "delete", "--name", "numbers", "--endpoint-name", ENDPOINT, "--yes"]);
  expect(d.code, d.stderr).toBe(0);
  const e = await cli(["batch-endpoint", "delete", "--name", ENDPOINT, "--yes"]);
  expect(e.code, e.stderr).toBe(0);
  expect((await cli(["batch-endpoint", "show", "-n", ENDPOINT])).code).toBe(1);
});
