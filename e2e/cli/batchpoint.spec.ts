import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readFile, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { E2E_ADMIN_TOKEN } from "../../playwright.config";
import { seedToken } from "../support/fixtures";

const BIN = path.resolve("cli/dist/batchpoint.mjs");
const BASE_URL = `http://localhost:${Number(process.env.E2E_PORT || 3100)}`;
const run_id = Date.now().toString(36);

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

let work: string;

/** Runs the built `batchpoint` binary the way a user does, without a terminal (plain progress lines). */
function cli(args: string[], opts: { token?: string | null; url?: string | null; cwd?: string; config?: string } = {}): Promise<Result> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    HOME: work,
    XDG_CONFIG_HOME: opts.config ?? path.join(work, "config"),
    BATCHPOINT_POLL_INTERVAL: "0.3",
  };
  delete env.BATCHPOINT_URL;
  delete env.BATCHPOINT_TOKEN;
  if (opts.url !== null) env.BATCHPOINT_URL = opts.url ?? BASE_URL;
  if (opts.token !== null) env.BATCHPOINT_TOKEN = opts.token ?? E2E_ADMIN_TOKEN;
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { env, cwd: opts.cwd ?? work, timeout: 90_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === "number" ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

async function writeFiles(dir: string, files: Record<string, string>) {
  for (const [name, content] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, name)), { recursive: true });
    await writeFile(path.join(dir, name), content);
  }
}

const SCORE_PY = `
import glob, json, os
import pandas as pd

def init():
    global factor
    # As on Azure: AZUREML_MODEL_DIR holds the registered folder under its own name (model/factor.txt).
    factor = int(open(glob.glob(os.path.join(os.environ["AZUREML_MODEL_DIR"], "*", "factor.txt"))[0]).read())
    print("model loaded, factor", factor)

def run(mini_batch):
    inputs = json.load(open(os.environ["JOBS_PAYLOAD_FILE"])).get("inputs", {})
    label = inputs.get("label", "none")
    rows = []
    for path in mini_batch:
        n = int(open(path).read().strip())
        rows.append({"file": os.path.basename(path), "value": n * factor, "label": label, "team": os.environ.get("TEAM", "")})
    print(f"scored {len(rows)} files with factor {factor}")
    return pd.DataFrame(rows)
`;

const FAILING_PY = `
def init():
    pass

def run(mini_batch):
    raise ValueError("this model always fails")
`;

function deploymentYaml(opts: { name: string; endpoint: string; code: string; script: string; extra?: string }) {
  return `$schema: https://azuremlschemas.azureedge.net/latest/modelBatchDeployment.schema.json
name: ${opts.name}
endpoint_name: ${opts.endpoint}
description: doubles numbers
code_configuration:
  code: ${opts.code}
  scoring_script: ${opts.script}
interpreter: /usr/bin/python3
environment: azureml:sklearn-env@latest
compute: azureml:batch-cluster
resources:
  instance_count: 2
${opts.extra ?? ""}`;
}

test.describe.configure({ mode: "serial" });

// e2e/support/global-setup.ts bundled the binary from the current source before any test.
test.beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), "batchpoint-cli-"));
});

test("login checks the token, stores it readable only by the user, and later commands use it", async () => {
  const config = path.join(work, "login-config");
  const bad = await cli(["login", "--url", BASE_URL, "--token", "bp_not_a_real_token_000000000000"], { token: null, url: null, config });
  expect(bad.code).toBe(1);
  expect(bad.stderr).toContain("error: The API token is unknown, expired or revoked.");
  expect(existsSync(path.join(config, "batchpoint", "config.json"))).toBe(false);

  const ok = await cli(["login", "--url", `${BASE_URL}/`, "--token", E2E_ADMIN_TOKEN], { token: null, url: null, config });
  expect(ok.code, ok.stderr).toBe(0);
  expect(ok.stdout).toContain(`Logged in to ${BASE_URL}: workspace 'Default' (default) as owner.`);
  const file = path.join(config, "batchpoint", "config.json");
  expect((await stat(file)).mode & 0o777).toBe(0o600);
  expect(JSON.parse(await readFile(file, "utf8"))).toEqual({ url: BASE_URL, token: E2E_ADMIN_TOKEN });

  const who = await cli(["whoami"], { token: null, url: null, config });
  expect(who.code, who.stderr).toBe(0);
  expect(who.stdout).toContain("workspace 'Default' (default) as owner");

  const none = await cli(["endpoint", "list"], { token: null, url: null, config: path.join(work, "nobody") });
  expect(none.code).toBe(2);
  expect(none.stderr).toContain("not logged in");
});

test("endpoint create, list, show, update and delete; API errors print the message and each field's problem", async () => {
  const name = `cli-ep-${run_id}`;
  const created = await cli(["endpoint", "create", "--name", name, "--description", "from the CLI", "--tags", "team=fraud,tier=gold"]);
  expect(created.code, created.stderr).toBe(0);
  expect(created.stdout).toContain(`Created endpoint '${name}'.`);

  const dup = await cli(["endpoint", "create", "--name", name]);
  expect(dup.code).toBe(1);
  expect(dup.stderr).toContain(`error: An endpoint named '${name}' already exists in this workspace. Choose another name.`);
  const bad = await cli(["endpoint", "create", "--name", "9 lives"]);
  expect(bad.code).toBe(1);
  expect(bad.stderr).toBe(
    "error: The request is invalid; see details.fieldErrors.\n  name: Use 3-32 characters: letters, digits and dashes, starting with a letter.\n",
  );

  const list = await cli(["endpoint", "list", "--per-page", "200"]);
  expect(list.code).toBe(0);
  expect(list.stdout).toMatch(/^NAME\s+DEFAULT DEPLOYMENT/);
  expect(list.stdout).toMatch(new RegExp(`${name}\\s+-\\s+0\\s+0\\s+team=fraud,tier=gold\\s+from the CLI`));

  const updated = await cli([
    "endpoint",
    "update",
    "--name",
    name,
    "--description",
    "changed",
    "--tags",
    "team=fraud",
    "--tags",
    "tier=platinum",
  ]);
  expect(updated.code, updated.stderr).toBe(0);
  expect(updated.stdout).toContain(`Updated endpoint '${name}'.`);
  const show = await cli(["endpoint", "show", "--name", name, "--json"]);
  expect(JSON.parse(show.stdout)).toMatchObject({ name, description: "changed", tags: { team: "fraud", tier: "platinum" } });
  const noDeployment = await cli(["endpoint", "update", "--name", name, "--set-default-deployment", "nope"]);
  expect(noDeployment.code).toBe(1);
  expect(noDeployment.stderr).toContain(`error: Endpoint '${name}' has no deployment named 'nope'.`);

  const deleted = await cli(["endpoint", "delete", "--name", name, "--yes"]);
  expect(deleted.code).toBe(0);
  expect(deleted.stdout).toContain(`Deleted endpoint '${name}'.`);
  const gone = await cli(["endpoint", "show", "--name", name]);
  expect(gone.code).toBe(1);
  expect(gone.stderr.trim()).toBe(`error: Endpoint '${name}' was not found.`);
});

test("usage errors exit 2 with a message, before anything is sent", async () => {
  const cases: [string[], string][] = [
    [["endpoint", "frobnicate"], "unknown command 'frobnicate'"],
    [["endpoint", "create"], "give --name (or name in the --file)."],
    [
      ["endpoint", "invoke", "--name", "x", "--input", "datastores/workspaceblobstore/paths/a/", "--mini-batch-size", "lots"],
      "Use a whole number of at least 1.",
    ],
    [
      ["endpoint", "invoke", "--name", "x", "--input", "datastores/workspaceblobstore/paths/a/", "--set", "novalue"],
      "--set expects NAME=VALUE, not 'novalue'.",
    ],
    [
      ["endpoint", "invoke", "--name", "x", "--input", "./no/such/folder"],
      "input './no/such/folder' is neither a local file or folder nor a data path",
    ],
    [["deployment", "create", "--file", "missing.yml", "--endpoint-name", "x"], "cannot read missing.yml."],
    [["job", "show"], "give the job name"],
    [
      ["job", "list", "--status", "done"],
      "Allowed choices are queued, preparing, running, finalizing, completed, completed_with_errors, failed, canceled.",
    ],
    [
      ["endpoint", "invoke", "--name", "x", "--input", "datastores/workspaceblobstore/paths/a/", "--set", "mini_batch_sise=3"],
      "--set: unknown key 'mini_batch_sise'. Did you mean 'mini_batch_size'?",
    ],
    [["batch-endpoint", "update", "--name", "x", "--set", "defaults.deployment=d"], "--set: unknown key 'defaults.deployment'"],
    [["job", "show", "j", "-o", "xml"], "Allowed choices are json, jsonc, tsv, table, yaml, yamlc, none."],
    [["job", "show", "j", "--query", "[?"], "is not a valid JMESPath expression"],
    [["job", "download", "j", "--output-name", "scores"], "a batch job has one named output, 'score'"],
  ];
  for (const [args, message] of cases) {
    const r = await cli(args);
    expect(r.code, `${args.join(" ")}: ${r.stderr}`).toBe(2);
    expect(r.stderr).toContain(message);
  }
  const help = await cli(["job", "--help"]);
  expect(help.code).toBe(0);
  expect(help.stdout).toContain("retry-failed");
});

test("a reader token cannot create an endpoint: exit 1 with the API's 403 message", async () => {
  const reader = await seedToken("default", "reader");
  const r = await cli(["endpoint", "create", "--name", `cli-denied-${run_id}`], { token: reader });
  expect(r.code).toBe(1);
  expect(r.stderr.trim()).toBe("error: This token's role (reader) does not allow endpoint:manage.");
  expect((await cli(["endpoint", "list"], { token: reader })).code).toBe(0);
});

test.describe("the journey of a data scientist from az ml", () => {
  const endpoint = `cli-scorer-${run_id}`;

  test("deployment create reads an Azure-style YAML, uploads the code and model folders and maps the settings", async () => {
    expect((await cli(["endpoint", "create", "--name", endpoint])).code).toBe(0);
    const project = path.join(work, "project");
    await writeFiles(project, {
      "src/score.py": SCORE_PY,
      "src/helpers/util.py": "X = 1\n",
      "model/factor.txt": "3",
      "deployment.yml": deploymentYaml({
        name: "blue",
        endpoint,
        code: "./src",
        script: "score.py",
        extra: `model:
  name: factor-${run_id}
  path: ./model
settings:
  mini_batch_size: 2
  max_concurrency_per_instance: 2
  retry_settings:
    max_retries: 1
    timeout: 60
  error_threshold: -1
  output_action: append_row
  output_file_name: predictions.csv
  logging_level: info
  environment_variables:
    TEAM: fraud
`,
      }),
    });
    // Run from elsewhere: paths in the YAML are relative to the file.
    const r = await cli(["deployment", "create", "--file", path.join(project, "deployment.yml")]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain("note: not acted on by Batchpoint: environment, compute (");
    expect(r.stderr).not.toContain("resources");
    expect(r.stderr).toContain(`Registered model factor-${run_id}:1.`);
    expect(r.stdout).toContain(`Created deployment 'blue' on endpoint '${endpoint}' (python, 2 code files, model factor-${run_id}:1).`);

    const show = await cli(["deployment", "show", "--endpoint-name", endpoint, "--name", "blue"]);
    expect(show.code, show.stderr).toBe(0);
    for (const line of [
      /mini_batch_size:\s+2/,
      /instance_count:\s+2/,
      /max_concurrency_per_instance:\s+2/,
      /retry_settings.max_retries:\s+1/,
      /retry_settings.timeout:\s+60/,
      /environment_variables:\s+TEAM=fraud/,
      /interpreter:\s+\/usr\/bin\/python3/,
      /default:\s+yes/,
    ]) {
      expect(show.stdout).toMatch(line);
    }
    const list = await cli(["deployment", "list", "--endpoint-name", endpoint]);
    expect(list.stdout).toMatch(new RegExp(`blue\\s+yes\\s+python\\s+1\\s+factor-${run_id}:1\\s+score.py`));
  });

  test("data upload sends a local folder to a datastore path, and invoke --wait scores it; job download writes predictions.csv", async () => {
    const data = path.join(work, "numbers");
    await writeFiles(data, Object.fromEntries(Array.from({ length: 5 }, (_, i) => [`n${i + 1}.txt`, `${i + 1}`])));
    await writeFiles(data, { "nested/n6.txt": "6" });
    const up = await cli(["data", "upload", data, "--datastore", "workspaceblobstore", "--path", `cli/${run_id}/numbers/`]);
    expect(up.code, up.stderr).toBe(0);
    expect(up.stdout).toContain("uploaded nested/n6.txt (1 B)");
    expect(up.stdout).toContain(`Uploaded 6 files (6 B) to azureml://datastores/workspaceblobstore/paths/cli/${run_id}/numbers/`);

    const inv = await cli([
      "endpoint",
      "invoke",
      "--name",
      endpoint,
      "--input",
      `azureml://datastores/workspaceblobstore/paths/cli/${run_id}/numbers/`,
      "--wait",
    ]);
    expect(inv.code, inv.stdout + inv.stderr).toBe(0);
    const job = /Started job (\S+);/.exec(inv.stdout)?.[1] ?? "";
    expect(job).toMatch(/^batchjob-/);
    expect(inv.stdout).toMatch(new RegExp(`${job} completed\\s+100% \\| mini-batches 3/3 \\| files 6/6`));
    expect(inv.stdout).toContain(`Job ${job} completed: 6 of 6 files scored`);

    const out = path.join(work, "downloads");
    const dl = await cli(["job", "download", job, "--output-dir", out]);
    expect(dl.code, dl.stderr).toBe(0);
    expect(dl.stdout).toContain(`Downloaded ${path.join(out, "predictions.csv")}`);
    const csv = (await readFile(path.join(out, "predictions.csv"), "utf8")).trim().split("\n");
    expect(csv[0]).toBe("file,value,label,team");
    expect(csv.slice(1).sort()).toEqual([
      "n1.txt,3,none,fraud",
      "n2.txt,6,none,fraud",
      "n3.txt,9,none,fraud",
      "n4.txt,12,none,fraud",
      "n5.txt,15,none,fraud",
      "n6.txt,18,none,fraud",
    ]);

    const show = await cli(["job", "show", job]);
    expect(show.stdout).toMatch(/status:\s+completed/);
    expect(show.stdout).toMatch(new RegExp(`deployment:\\s+blue \\(v1\\)`));
    const list = await cli(["job", "list", "--endpoint", endpoint]);
    expect(list.stdout).toMatch(new RegExp(`${job}\\s+completed\\s+${endpoint}\\s+blue\\s+6/6`));
    const logs = await cli(["job", "logs", job, "--mini-batch", "0"]);
    expect(logs.code, logs.stderr).toBe(0);
    expect(logs.stdout).toMatch(/^=== mini-batch 0 \(completed, attempt 1\)$/m);
    expect(logs.stdout).toContain("scored 2 files with factor 3");
  });

  test("invoke uploads a local folder first, passes --set literals, and --all downloads errors and the summary", async () => {
    const data = path.join(work, "local-input");
    await writeFiles(data, { "a.txt": "10", "b.txt": "20" });
    const inv = await cli([
      "endpoint",
      "invoke",
      "--name",
      endpoint,
      "--input",
      data,
      "--set",
      "inputs.label=nightly",
      "--mini-batch-size",
      "5",
      "--output-file-name",
      "scores.csv",
      "--wait",
    ]);
    expect(inv.code, inv.stdout + inv.stderr).toBe(0);
    expect(inv.stderr).toMatch(/Uploading 2 files from .* to workspaceblobstore:uploads\/\d{8}T\d{6}Z-[0-9a-f]{8}\/local-input\//);
    const job = /Started job (\S+);/.exec(inv.stdout)?.[1] ?? "";
    expect(inv.stdout).toMatch(/mini-batches 1\/1 \| files 2\/2/);

    const out = path.join(work, "downloads-all");
    const dl = await cli(["job", "download", job, "-o", out, "--all"]);
    expect(dl.code, dl.stderr).toBe(0);
    expect((await readFile(path.join(out, "scores.csv"), "utf8")).trim().split("\n")).toEqual([
      "file,value,label,team",
      "a.txt,30,nightly,fraud",
      "b.txt,60,nightly,fraud",
    ]);
    expect(existsSync(path.join(out, "errors.jsonl"))).toBe(true);
    expect(JSON.parse(await readFile(path.join(out, "job-summary.json"), "utf8"))).toBeTruthy();
  });

  test("invoke --file reads Azure-style inputs; the same output again is a 409 the user can fix with --overwrite", async () => {
    const inputs = path.join(work, "invoke");
    await writeFiles(inputs, {
      "data/c.txt": "7",
      "inputs.yml": `inputs:
  numbers:
    type: uri_folder
    path: ./data
  label:
    type: string
    default: from-yaml
outputs:
  score:
    type: uri_file
    path: azureml://datastores/workspaceblobstore/paths/cli/${run_id}/yaml-out/result.csv
`,
    });
    const first = await cli([
      "endpoint",
      "invoke",
      "--name",
      endpoint,
      "--deployment-name",
      "blue",
      "--file",
      path.join(inputs, "inputs.yml"),
      "--wait",
    ]);
    expect(first.code, first.stdout + first.stderr).toBe(0);
    expect(first.stdout).toContain(`Output: azureml://datastores/workspaceblobstore/paths/cli/${run_id}/yaml-out/result.csv`);
    const job = /Started job (\S+);/.exec(first.stdout)?.[1] ?? "";
    const dl = await cli(["job", "download", job, "-o", path.join(work, "yaml-out")]);
    expect(dl.code, dl.stderr).toBe(0);
    expect((await readFile(path.join(work, "yaml-out", "result.csv"), "utf8")).trim().split("\n")).toEqual([
      "file,value,label,team",
      "c.txt,21,from-yaml,fraud",
    ]);

    const again = await cli(["endpoint", "invoke", "--name", endpoint, "--file", path.join(inputs, "inputs.yml")]);
    expect(again.code).toBe(1);
    // The folder is the first job's, whether or not a file of that name is in it.
    expect(again.stderr).toContain(`belongs to job ${job}. Choose another output path, or pass overwrite: true to take it over.`);
    const over = await cli(["endpoint", "invoke", "--name", endpoint, "--file", path.join(inputs, "inputs.yml"), "--overwrite"]);
    expect(over.code, over.stderr).toBe(0);
    expect(over.stdout).toMatch(/Started job batchjob-\S+ \(queued\)\./);
    await cli(["job", "show", /Started job (\S+) /.exec(over.stdout)?.[1] ?? "", "--wait"]);
  });

  test("a job that fails makes --wait exit 1 and says why", async () => {
    const project = path.join(work, "failing");
    await writeFiles(project, {
      "code/score.py": FAILING_PY,
      "deployment.yml": deploymentYaml({
        name: "broken",
        endpoint,
        code: "code",
        script: "score.py",
        extra: "settings:\n  error_threshold: 0\n  retry_settings:\n    max_retries: 0\n",
      }),
    });
    const dep = await cli(["deployment", "create", "--file", path.join(project, "deployment.yml")]);
    expect(dep.code, dep.stderr).toBe(0);
    const inv = await cli([
      "endpoint",
      "invoke",
      "--name",
      endpoint,
      "--deployment-name",
      "broken",
      "--input",
      `datastores/workspaceblobstore/paths/cli/${run_id}/numbers/`,
      "--wait",
    ]);
    expect(inv.code, inv.stdout + inv.stderr).toBe(1);
    const job = /Started job (\S+);/.exec(inv.stdout)?.[1] ?? "";
    expect(inv.stdout).toMatch(new RegExp(`Job ${job} failed`));
    expect(inv.stderr).toMatch(new RegExp(`^error: job ${job} failed`, "m"));
    const again = await cli(["job", "show", job, "--wait"]);
    expect(again.code).toBe(1);
    const plain = await cli(["job", "show", job]);
    expect(plain.code).toBe(0);
    expect(plain.stdout).toMatch(/status:\s+failed/);

    // The fix goes out as `deployment update` from the same file: a new version of the deployment.
    await writeFiles(project, { "code/score.py": "def init(): pass\ndef run(b): return [1 for _ in b]\n" });
    const fixed = await cli(["deployment", "update", "--file", path.join(project, "deployment.yml")]);
    expect(fixed.code, fixed.stderr).toBe(0);
    expect(fixed.stdout).toContain(`Updated deployment 'broken' of endpoint '${endpoint}' (now version 2).`);
    const rerun = await cli([
      "endpoint",
      "invoke",
      "--name",
      endpoint,
      "-d",
      "broken",
      "--input",
      `datastores/workspaceblobstore/paths/cli/${run_id}/numbers/`,
      "--output-file-name",
      "fixed.csv",
      "--wait",
    ]);
    expect(rerun.code, rerun.stdout + rerun.stderr).toBe(0);
  });

  test("job cancel stops a running job; following it then exits 1", async () => {
    const project = path.join(work, "slow");
    await writeFiles(project, {
      "code/score.py": "import time\ndef init(): pass\ndef run(b):\n    time.sleep(1)\n    return list(b)\n",
      "deployment.yml": deploymentYaml({
        name: "slow",
        endpoint,
        code: "code",
        script: "score.py",
        extra: "settings:\n  mini_batch_size: 1\n",
      }),
    });
    const dep = await cli(["deployment", "create", "--file", path.join(project, "deployment.yml")]);
    expect(dep.code, dep.stderr).toBe(0);
    const inv = await cli([
      "endpoint",
      "invoke",
      "--name",
      endpoint,
      "-d",
      "slow",
      "--input",
      `datastores/workspaceblobstore/paths/cli/${run_id}/numbers/`,
      "--output-file-name",
      "slow.csv",
    ]);
    expect(inv.code, inv.stderr).toBe(0);
    const job = /Started job (\S+) /.exec(inv.stdout)?.[1] ?? "";
    const cancel = await cli(["job", "cancel", job]);
    expect(cancel.code, cancel.stderr).toBe(0);
    expect(cancel.stdout).toContain(`Cancel requested for job ${job}`);
    const wait = await cli(["job", "show", job, "--wait"]);
    expect(wait.code).toBe(1);
    expect(wait.stdout).toContain(`Job ${job} canceled`);
    expect(wait.stderr).toContain(`error: job ${job} canceled`);
  });
});

test("model create registers a folder as the next version; list and show describe it", async () => {
  const dir = path.join(work, "model-files");
  await writeFiles(dir, { "weights.bin": "0123456789", "meta/config.json": "{}" });
  const name = `cli-model-${run_id}`;
  for (const version of ["1", "2"]) {
    const r = await cli(["model", "create", "--name", name, "--path", dir, "--description", `v${version}`]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`model: azureml:${name}:${version}`);
  }
  const list = await cli(["model", "list", "--per-page", "200"]);
  expect(list.stdout).toMatch(new RegExp(`${name}\\s+2\\s+2`));
  const show = await cli(["model", "show", "--name", name, "--version", "2"]);
  expect(show.stdout).toMatch(/files:\s+2/);
  expect(show.stdout).toMatch(/size:\s+12 B/);
  const missing = await cli(["model", "show", "--name", name, "--version", "9"]);
  expect(missing.code).toBe(1);
  expect(missing.stderr.trim()).toBe(`error: Version 9 of model '${name}' was not found.`);
});

test("deployment create reads settings.sandbox_settings and an environment file beside the YAML; ranges and keys are checked", async () => {
  const endpoint = `cli-boxed-${run_id}`;
  expect((await cli(["endpoint", "create", "--name", endpoint])).code).toBe(0);
  const project = path.join(work, "boxed");
  const yml = (sandbox: string) =>
    deploymentYaml({ name: "boxed", endpoint, code: "./src", script: "score.py" }).replace(
      "environment: azureml:sklearn-env@latest\n",
      "environment:\n  requirements_file: ./env/requirements.txt\n",
    ) + `settings:\n  mini_batch_size: 2\n  sandbox_settings:\n${sandbox}`;
  await writeFiles(project, {
    "src/score.py": "def run(mini_batch):\n    return [1 for _ in mini_batch]\n",
    "env/requirements.txt": "# nothing to install: the system python has what score.py needs\n",
    "ok.yml": yml("    memory_mib: 512\n    processes: 64\n"),
    "low.yml": yml("    memory_mib: 16\n"),
    "typo.yml": yml("    memory: 512\n"),
  });

  const typo = await cli(["deployment", "create", "--file", path.join(project, "typo.yml")]);
  expect(typo.code).toBe(2);
  expect(typo.stderr).toContain("settings.sandbox_settings.memory is not a sandbox setting; use allow_network, memory_mib,");
  const low = await cli(["deployment", "create", "--file", path.join(project, "low.yml")]);
  expect(low.code).toBe(1);
  expect(low.stderr).toContain("Use at least 64 (MiB of memory per worker process).");
  expect(low.stderr).toContain("settings.sandboxSettings.memoryMiB");

  const ok = await cli(["deployment", "create", "--file", path.join(project, "ok.yml")]);
  expect(ok.code, ok.stderr).toBe(0);
  const show = await cli(["deployment", "show", "--endpoint-name", endpoint, "--name", "boxed"]);
  for (const line of [
    /sandbox_settings.memory_mib:\s+512\n/,
    /sandbox_settings.processes:\s+64\n/,
    /sandbox_settings.cpu_seconds:\s+600 \(default\)/,
    /sandbox_settings.allow_network:\s+false \(default\)/,
    /environment.requirements_file:\s+_environment\/requirements.txt/,
  ]) {
    expect(show.stdout).toMatch(line);
  }
});
