import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const alias = {
  "@": fileURLToPath(new URL("./", import.meta.url)),
  "server-only": fileURLToPath(new URL("./test/support/server-only.ts", import.meta.url)),
};

/**
 * Integration test files that run at once. Each gets a worker slot of its own (database, storage
 * accounts, executor: test/support/global-setup.ts), so any new file runs in parallel without
 * changes. BATCHPOINT_TEST_WORKERS overrides it (1 runs them one at a time).
 */
const WORKERS = Number(process.env.BATCHPOINT_TEST_WORKERS) || 4;

/**
 * Files that must run alone, after the parallel ones: they kill processes mid-job and restart them
 * on the same ports, or drive the machine hard. Put such a test under test/faults/ or name it
 * *.serial.test.ts. A test that kills only processes of its own, started on ports it does not reuse
 * (test/jobs/crash-recovery.test.ts), or races on a scratch database of its own
 * (test/foundation/owner-race.test.ts), runs with the parallel files.
 */
const SERIAL = ["test/faults/**/*.test.ts", "**/*.serial.test.ts", "executor/test/durability.test.ts"];

const integration = {
  environment: "node" as const,
  // Hang guards, not estimates: tests wait for states and events (test/support/wait.ts bounds each
  // wait at 3 minutes), so a busy machine makes them slower, not red.
  // Hooks too: six files' beforeAll (an embedded PostgreSQL or an executor starting) passed 120 s at
  // load 40-50 and failed the suite.
  testTimeout: 600_000,
  hookTimeout: 600_000,
  globalSetup: ["test/support/global-setup.ts"],
  setupFiles: ["test/support/setup-env.ts"],
};

// Three projects: unit tests sit beside the code and need nothing running; integration tests start
// real services (PGlite or PostgreSQL, Azurite, HTTP servers), most of them in parallel and the
// rest (integration-serial) one at a time once those are done.
export default defineConfig({
  test: {
    projects: [
      {
        resolve: { alias },
        test: {
          name: "unit",
          include: ["lib/**/*.test.ts", "executor/src/**/*.test.ts", "components/**/*.test.ts", "cli/src/**/*.test.ts"],
          environment: "node",
          // A hang guard, not vitest's 5 s default: the property tests run 2,000 cases each, which took
          // 5.5 s at load 48 (lib/storage/names.test.ts) and failed a green suite on a busy machine.
          testTimeout: 60_000,
          maxWorkers: WORKERS,
          // The files of a worker share one module graph instead of importing it afresh each: most
          // of the unit run was module import (188 s of import against 30 s of tests over 61 files).
          // The unit tests set and restore the environment variables they read, and mock no module.
          isolate: false,
        },
      },
      {
        resolve: { alias },
        test: {
          ...integration,
          name: "integration",
          include: ["test/**/*.test.ts", "executor/test/**/*.test.ts"],
          exclude: SERIAL,
          maxWorkers: WORKERS,
        },
      },
      {
        resolve: { alias },
        test: {
          ...integration,
          name: "integration-serial",
          include: SERIAL,
          fileParallelism: false,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
