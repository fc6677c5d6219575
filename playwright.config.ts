import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { defineConfig, devices } from "@playwright/test";

const PORT = Number(process.env.E2E_PORT || 3100);
export const E2E_PG_PORT = Number(process.env.E2E_PG_PORT || 54329);
export const E2E_ADMIN_TOKEN = "bp_e2e_admin_token_0123456789abcdef";
export const E2E_AZURITE_PORT = Number(process.env.E2E_AZURITE_PORT || 10110);

// Chromium's headless shell (Debian's chromium-headless-shell): the same Blink and V8 as the full browser
// without its UI layer, which Playwright itself uses for headless runs. It cost ~20 % less machine CPU than
// the full chromium over the same browser tests (BENCHMARKS.md, "Test suite"). CHROMIUM_PATH overrides it;
// without the shell the full browser runs.
const HEADLESS_SHELL = "/usr/bin/chromium-headless-shell";
const CHROMIUM = process.env.CHROMIUM_PATH || (existsSync(HEADLESS_SHELL) ? HEADLESS_SHELL : "/usr/bin/chromium");

// A fresh data directory per run: the server starts from an empty embedded database and storage.
process.env.E2E_DATA_DIR ??= mkdtempSync(path.join(tmpdir(), "batchpoint-e2e-"));

export default defineConfig({
  testDir: "e2e",
  // Bundles the CLI once for every worker (e2e/support/global-setup.ts).
  globalSetup: "./e2e/support/global-setup.ts",
  // Hang guards, not estimates (as in test/support/wait.ts): every wait is for a state the page or the
  // API shows, so a busy machine (two workers, load 10-20) makes a test slower, not red.
  timeout: 180_000,
  expect: { timeout: 30_000 },
  // Files run side by side against the one server (every test seeds a workspace or names of its own);
  // the tests of one file run in order in one worker. The browser tests wait on the server more than
  // they compute, so 2 workers shorten them even on 2 cores. E2E_WORKERS overrides it.
  fullyParallel: false,
  workers: Number(process.env.E2E_WORKERS) || 2,
  retries: 0,
  reporter: process.env.CI ? [["list"]] : [["list"], ["html", { open: "never" }]],
  use: {
    baseURL: `http://localhost:${PORT}`,
    // A failed test keeps its trace (actions, DOM snapshots, network, console) and a screenshot. The trace
    // records no screencast: it had the browser encode a frame every repaint of every test, passed or not,
    // a third of the browser tests' CPU (158 against 109 CPU-s for job-page and data-browser on 2 workers).
    trace: { mode: "retain-on-failure", screenshots: false },
    screenshot: "only-on-failure",
  },
  projects: [
    { name: "api", testMatch: /api\/.*\.spec\.ts/ },
    // The CLI binary run against the same server.
    { name: "cli", testMatch: /cli\/.*\.spec\.ts/ },
    {
      name: "chromium",
      testIgnore: /(api|cli)\/.*\.spec\.ts/,
      use: {
        ...devices["Desktop Chrome"],
        // The app honours prefers-reduced-motion (its live dot and skeletons stop pulsing). An endless CSS
        // animation has headless Chromium composite 60 frames a second for as long as the page is open:
        // ~85 ms of CPU a second per page, measured alone (over the whole suite the saving is within noise).
        reducedMotion: "reduce",
        launchOptions: {
          executablePath: CHROMIUM,
          args: [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-background-networking",
            "--disable-component-update",
          ],
        },
      },
    },
  ],
  webServer: {
    command: "node --conditions=react-server --import tsx scripts/run.ts start",
    url: `http://localhost:${PORT}/api/health`,
    timeout: 300_000,
    reuseExistingServer: false,
    // SIGTERM lets the run command stop Next.js and close the embedded database cleanly.
    gracefulShutdown: { signal: "SIGTERM", timeout: 15_000 },
    stdout: "pipe",
    env: {
      PORT: String(PORT),
      BATCHPOINT_DATA_DIR: process.env.E2E_DATA_DIR,
      BATCHPOINT_PG_PORT: String(E2E_PG_PORT),
      BATCHPOINT_AZURITE_PORT: String(E2E_AZURITE_PORT),
      BATCHPOINT_ADMIN_EMAIL: "admin@e2e.test",
      BATCHPOINT_ADMIN_PASSWORD: "admin-password-e2e",
      BATCHPOINT_ADMIN_TOKEN: E2E_ADMIN_TOKEN,
      // bcrypt's minimum cost for the ~75 accounts the tests make: each sign-up and sign-in hashes once, ~0.4 s of CPU
      // at the default 11 and ~3 ms at 4. What the tests check (the hash is checked, a wrong password fails) holds at any
      // cost; lib/auth/password.test.ts pins the default (decision 0035).
      BATCHPOINT_PASSWORD_HASH_COST: "4",
    },
  },
});
