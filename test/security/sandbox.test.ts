import { mkdirSync, readFileSync, rmdirSync } from "node:fs";
import path from "node:path";
import { hostileTenantSuite } from "./hostile-suite";

// The hostile-tenant suite as the server runs here. With a writable pids cgroup the process limit is
// a cgroup per worker; without one, RLIMIT_NPROC, of a uid of the worker's own when the server is
// root (sandbox-root-no-cgroups.test.ts runs the same suite with cgroups turned off).
hostileTenantSuite(canCreatePidsCgroup() ? "cgroup" : process.getuid?.() === 0 ? "worker-uid" : "rlimit");

/** Whether this process may create a pids cgroup (v1 or v2) under its own, as the sandbox would. */
function canCreatePidsCgroup(): boolean {
  if (process.env.BATCHPOINT_SANDBOX_CGROUPS === "0") return false;
  for (const line of readFileSync("/proc/self/cgroup", "utf8").trim().split("\n")) {
    const [, controllers, rel] = line.match(/^\d+:([^:]*):(.*)$/) ?? [];
    const dirs =
      controllers === ""
        ? [path.join("/sys/fs/cgroup", rel)]
        : controllers?.split(",").includes("pids")
          ? [path.join("/sys/fs/cgroup", controllers, rel), path.join("/sys/fs/cgroup/pids", rel)]
          : [];
    for (const dir of dirs) {
      const probe = path.join(dir, `batchpoint-test-probe-${process.pid}`);
      try {
        mkdirSync(probe);
        const ok = readFileSync(path.join(probe, "pids.max"), "utf8").length > 0;
        rmdirSync(probe);
        if (ok) return true;
      } catch {
        // not here
      }
    }
  }
  return false;
}
