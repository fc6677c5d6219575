import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { freePort, startAzurite, type EmbeddedAzurite } from "../../scripts/embedded/azurite";

/**
 * The parts of a running Batchpoint as separate processes, each of which a fault test can SIGKILL
 * and restart on the same data and port: Azurite, the embedded executor (with its own PGlite in its
 * process, as in the embedded default), and the app serving the Inngest functions (with its scoring
 * workers, in its own process group). The database is the integration suite's (PGlite, or
 * PostgreSQL when TEST_DATABASE_URL is set).
 */
export interface FaultStack {
  env: Record<string, string>;
  startApp(): Promise<void>;
  killApp(): Promise<void>;
  startExecutor(): Promise<void>;
  killExecutor(): Promise<void>;
  startStorage(): Promise<void>;
  killStorage(): Promise<void>;
  stop(): Promise<void>;
}

function waitForOutput(child: ChildProcess, needle: string, what: string, timeoutMs = 240_000): Promise<void> {
  return new Promise((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => reject(new Error(`${what} did not start: ${out.slice(-800)}`)), timeoutMs);
    const onData = (d: Buffer) => {
      out += d.toString();
      if (out.includes(needle)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", (d: Buffer) => (out += d.toString()));
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${what} exited (${code ?? signal}) before it was ready: ${out.slice(-800)}`));
    });
  });
}

async function sigkill(child: ChildProcess | undefined, group = false) {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once("exit", r));
  try {
    if (group) process.kill(-child.pid!, "SIGKILL");
    else child.kill("SIGKILL");
  } catch {
    // already gone
  }
  await exited;
}

export async function startFaultStack(baseEnv: Record<string, string | undefined>): Promise<FaultStack> {
  const dir = mkdtempSync(path.join(tmpdir(), "batchpoint-faults-"));
  const executorPort = await freePort();
  const azuritePort = await freePort();
  let azurite: EmbeddedAzurite | undefined;
  let executor: ChildProcess | undefined;
  let app: ChildProcess | undefined;
  const azuriteDir = path.join(dir, "azurite");

  const startStorage = async () => {
    azurite = await startAzurite({ dataDir: azuriteDir, port: azuritePort });
  };
  await startStorage();
  const env: Record<string, string> = {
    ...(Object.fromEntries(Object.entries(baseEnv).filter(([, v]) => v !== undefined)) as Record<string, string>),
    AZURE_STORAGE_CONNECTION_STRING: azurite!.connectionString,
    INNGEST_BASE_URL: `http://127.0.0.1:${executorPort}`,
    INNGEST_DEV: "1",
    BATCHPOINT_WORK_DIR: path.join(dir, "work"),
    BATCHPOINT_SCORING_CACHE_DIR: path.join(dir, "scoring-cache"),
  };

  const startExecutor = async () => {
    // node itself (not npx), so SIGKILL hits the executor and its PGlite, not a wrapper.
    executor = spawn(
      process.execPath,
      [
        "--import",
        "tsx",
        "executor/src/cli.ts",
        "--port",
        String(executorPort),
        "--lease-ms",
        "3000",
        "--data-dir",
        path.join(dir, "executor-pg"),
      ],
      {
        env: { ...process.env, ...env },
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    await waitForOutput(executor, "listening on", "the executor");
  };
  const startApp = async () => {
    app = spawn(process.execPath, ["--conditions=react-server", "--import", "tsx", "test/support/functions-process.ts"], {
      env: { ...process.env, ...env },
      detached: true, // its own process group: the scoring workers die with it
      stdio: ["ignore", "pipe", "pipe"],
    });
    await waitForOutput(app, "listening", "the app");
  };
  try {
    await startExecutor();
  } catch (e) {
    await sigkill(executor);
    await azurite?.stop();
    throw e;
  }

  return {
    env,
    startApp,
    killApp: () => sigkill(app, true),
    startExecutor,
    killExecutor: () => sigkill(executor),
    startStorage,
    killStorage: () => sigkill(azurite?.process),
    async stop() {
      await sigkill(app, true);
      await sigkill(executor);
      await azurite?.stop();
    },
  };
}
