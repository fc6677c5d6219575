// Runs every benchmark suite in turn; each writes its figures into BENCHMARKS.md.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";

const suites = [
  ["executor", "executor/bench/run.ts"],
  ["pglite", "executor/bench/pglite-statement.ts"],
  ["jobs", "scripts/bench/jobs.ts"],
  ["peers", "scripts/bench/peers.ts"],
  ["idle", "scripts/bench/idle.ts"],
] as const;
const only = process.argv[2];
for (const [name, file] of suites) {
  if (only && only !== name) continue;
  if (!existsSync(file)) continue;
  console.log(`\n== bench: ${name}`);
  const r = spawnSync(process.execPath, ["--conditions=react-server", "--expose-gc", "--import", "tsx", file], { stdio: "inherit" });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
