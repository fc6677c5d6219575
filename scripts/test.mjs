// `npm test`: every check of the suite, with the independent ones side by side (2 cores go further
// when one step waits on processes while another computes). Each step is an npm script of its own;
// its output is kept and printed in one piece when it ends, with a summary of times at the end.
// Exit code: 0 when every step passed, 1 otherwise (every step runs to the end either way).
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import path from "node:path";

/**
 * `after`: steps that must pass first; `afterEnd`: steps that must only have ended (passed or not).
 * (No step runs niced: on a machine others load too, a niced step starves: 3 s of lint CPU took 6 min at load 40-68.)
 * @type {{ name: string; script: string; after?: string[]; afterEnd?: string[] }[]}
 */
const STEPS = [
  { name: "prisma generate", script: "prisma:generate" },
  { name: "lint", script: "lint" },
  { name: "format", script: "format:check" },
  // The long path: next build at once, then the browser tests (they need the build). The build is
  // the one step that can keep both cores busy, so only the serial group (mostly waiting) runs beside it.
  { name: "build", script: "build:app", after: ["prisma generate"] },
  { name: "e2e", script: "test:e2e:run", after: ["build"] },
  // After the build, whether it passed or not: tsc reads the route types next build writes under
  // .next/types (the build first deletes .next, so the two cannot overlap), and checks those of the
  // build under test rather than a stale one.
  { name: "typecheck", script: "typecheck", after: ["prisma generate"], afterEnd: ["build"] },
  // The CPU-bound test groups wait for the build to end (passed or not) and fill the time the browser
  // tests leave idle while they wait on the server, instead of taking the cores from the build.
  { name: "unit", script: "test:unit", after: ["prisma generate"], afterEnd: ["build"] },
  { name: "integration", script: "test:integration:parallel", after: ["prisma generate"], afterEnd: ["build"] },
  // The serial files (faults, kills) run one at a time in a vitest of their own, beside the parallel
  // group: the two share no database, storage or executor (test/support/global-setup.ts). It is the
  // longest step and mostly waits on processes it kills and restarts, so it starts at once.
  { name: "integration-serial", script: "test:integration:serial", after: ["prisma generate"] },
];

const started = Date.now();
const seconds = (ms) => `${(ms / 1000).toFixed(0)} s`;
// CPU time (user + sys) of each step's process tree, from GNU time, when the machine has it: on a
// shared machine wall times say little, CPU times compare between runs.
const TIME = existsSync("/usr/bin/time") ? "/usr/bin/time" : undefined;
const timesDir = mkdtempSync(path.join(tmpdir(), "batchpoint-test-times-"));
// The 1-minute load average, sampled every 15 s: how busy the machine was while the suite ran.
const loads = [loadavg()[0]];
const sampler = setInterval(() => loads.push(loadavg()[0]), 15_000);
/** @type {Map<string, Promise<{ ok: boolean; ms: number }>>} */
const runs = new Map();

function run(step) {
  const existing = runs.get(step.name);
  if (existing) return existing;
  const promise = (async () => {
    const byName = (d) => run(STEPS.find((s) => s.name === d));
    const [deps] = await Promise.all([Promise.all((step.after ?? []).map(byName)), Promise.all((step.afterEnd ?? []).map(byName))]);
    if (deps.some((d) => !d.ok)) {
      console.log(`— ${step.name}: skipped (${step.after.join(", ")} failed)`);
      return { ok: false, ms: 0, skipped: true };
    }
    const t0 = Date.now();
    console.log(`▶ ${step.name} (npm run ${step.script}) at +${seconds(t0 - started)}`);
    const cpuFile = path.join(timesDir, `${step.script}.txt`);
    const argv = ["npm", "run", "--silent", step.script];
    const [cmd, ...args] = TIME ? [TIME, "-q", "-f", "%U %S", "-o", cpuFile, ...argv] : argv;
    const child = spawn(cmd, args, { stdio: ["ignore", "pipe", "pipe"], env: process.env });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (out += d));
    const code = await new Promise((r) => child.once("close", (c, signal) => r(c ?? signal)));
    const ms = Date.now() - t0;
    const ok = code === 0;
    const cpu = cpuSeconds(cpuFile);
    const cpuText = cpu === undefined ? "" : `, ${cpu.toFixed(0)} s CPU`;
    console.log(
      `\n${ok ? "✔" : "✘"} ${step.name}: ${ok ? "passed" : `failed (exit ${code})`} in ${seconds(ms)}${cpuText}\n${out.trimEnd()}\n`,
    );
    return { ok, ms, cpu, start: t0 - started };
  })();
  runs.set(step.name, promise);
  return promise;
}

/** User + sys seconds GNU time wrote for one step (its last line: "%U %S"), if it did. */
function cpuSeconds(file) {
  if (!existsSync(file)) return undefined;
  const [user, sys] = readFileSync(file, "utf8").trim().split("\n").at(-1).split(" ").map(Number);
  return Number.isFinite(user + sys) ? user + sys : undefined;
}

const results = await Promise.all(STEPS.map((s) => run(s)));
clearInterval(sampler);
rmSync(timesDir, { recursive: true, force: true });
const totalCpu = results.reduce((sum, r) => sum + (r.cpu ?? 0), 0);
const load = (f) => f(...loads).toFixed(1);
console.log(
  `\nSummary (wall time ${seconds(Date.now() - started)}, CPU ${totalCpu.toFixed(0)} s, 1-minute load ${load(Math.min)}-${load(Math.max)}):`,
);
console.log(`    ${"step".padEnd(20)} ${"start".padStart(7)} ${"wall".padStart(7)} ${"CPU".padStart(7)}`);
STEPS.forEach((s, i) => {
  const r = results[i];
  const cells = r.skipped
    ? "skipped"
    : [`+${seconds(r.start)}`, seconds(r.ms), r.cpu === undefined ? "-" : `${r.cpu.toFixed(0)} s`].map((c) => c.padStart(7)).join(" ");
  console.log(`  ${r.ok ? "✔" : r.skipped ? "—" : "✘"} ${s.name.padEnd(20)} ${cells}`);
});
process.exit(results.every((r) => r.ok) ? 0 : 1);
