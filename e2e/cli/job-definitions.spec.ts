import { execFile } from "node:child_process";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { E2E_ADMIN_TOKEN } from "../../playwright.config";

const BIN = path.resolve("cli/dist/batchpoint.mjs");
const BASE_URL = `http://localhost:${Number(process.env.E2E_PORT || 3100)}`;
const id = Date.now().toString(36);

function cli(args: string[], home: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = {
    ...process.env,
    HOME: home,
    XDG_CONFIG_HOME: path.join(home, "config"),
    BATCHPOINT_URL: BASE_URL,
    BATCHPOINT_TOKEN: E2E_ADMIN_TOKEN,
  };
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { env, cwd: home, timeout: 90_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === "number" ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

test("job-definition create, show, run, jobs, disable, clone and delete from the CLI", async ({ request }) => {
  const home = await mkdtemp(path.join(tmpdir(), "batchpoint-jobdef-"));
  const auth = { authorization: `Bearer ${E2E_ADMIN_TOKEN}` };
  const endpoint = `jd-${id}`;
  expect((await request.post("/api/v1/endpoints", { headers: auth, data: { name: endpoint } })).status()).toBe(201);
  const score = "import os\ndef run(mini_batch):\n    return [os.path.basename(p) for p in mini_batch]\n";
  const dep = await request.post(`/api/v1/endpoints/${endpoint}/deployments`, {
    headers: auth,
    data: {
      name: "blue",
      runtime: "python",
      code: { files: { "score.py": score } },
      scoringScript: "score.py",
      interpreter: "/usr/bin/python3",
      setDefault: true,
    },
  });
  expect(dep.status()).toBe(201);
  expect((await request.put(`/api/v1/datastores/workspaceblobstore/files/jd-${id}/a.txt`, { headers: auth, data: "a" })).status()).toBe(
    201,
  );

  const name = `nightly-${id}`;
  const bad = await cli(
    [
      "job-definition",
      "create",
      "--name",
      name,
      "--endpoint-name",
      endpoint,
      "--input",
      `datastores/workspaceblobstore/paths/jd-${id}/`,
      "--schedule",
      "0 2 * *",
    ],
    home,
  );
  expect(bad.code).toBe(1);
  expect(bad.stderr).toContain("error: Use five fields: minute hour day-of-month month day-of-week");

  const created = await cli(
    [
      "job-definition",
      "create",
      "--name",
      name,
      "--endpoint-name",
      endpoint,
      "--input",
      `datastores/workspaceblobstore/paths/jd-${id}/`,
      "--output-path",
      `datastores/workspaceblobstore/paths/jd-out-${id}/{job}/`,
      "--schedule",
      "0 2 * * *",
      "--timezone",
      "UTC",
    ],
    home,
  );
  expect(created.code, created.stderr).toBe(0);
  expect(created.stdout).toMatch(new RegExp(`Created job definition '${name}'\\. Next run: \\d{4}-\\d{2}-\\d{2} 02:00:00Z\\.`));

  const shown = await cli(["job-definition", "show", "--name", name], home);
  expect(shown.stdout).toContain("schedule:     0 2 * * * (UTC)");
  expect(shown.stdout).toContain("last run:     -");

  const ran = await cli(["job-definition", "run", "--name", name], home);
  expect(ran.code, ran.stderr).toBe(0);
  const job = ran.stdout.trim();
  expect(job).toMatch(/^batchjob-/);
  const jobs = await cli(["job-definition", "jobs", "--name", name], home);
  expect(jobs.stdout).toContain(job);

  const off = await cli(["job-definition", "disable", "--name", name], home);
  expect(off.stdout.trim()).toBe(`Disabled job definition '${name}'.`);
  expect((await cli(["job-definition", "show", "--name", name, "--json"], home)).stdout).toContain('"enabled": false');

  const copy = await cli(["schedule", "clone", "--name", name, "--new-name", `copy-${id}`], home);
  expect(copy.stdout.trim()).toBe(`Created job definition 'copy-${id}' (disabled) from '${name}'.`);
  const list = await cli(["job-definition", "list"], home);
  expect(list.stdout).toContain(name);
  expect(list.stdout).toContain(`copy-${id}`);
  for (const n of [name, `copy-${id}`]) expect((await cli(["job-definition", "delete", "--name", n, "--yes"], home)).code).toBe(0);
  expect((await cli(["job-definition", "show", "--name", name], home)).code).toBe(1);
});
