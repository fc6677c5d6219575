import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createWriteStream, mkdtempSync, statSync, type WriteStream } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { applyMigrations } from "../../prisma/migrate";
import { scratchPostgresDatabase } from "../support/postgres-server";
import { freePort, startAzurite, type EmbeddedAzurite } from "../../scripts/embedded/azurite";

/**
 * The parts of a running Batchpoint as separate processes, each of which a fault test can SIGKILL
 * and restart on the same data and port: Azurite, the embedded executor (with its own PGlite in its
 * process, as in the embedded default), and the app serving the Inngest functions (with its scoring
 * workers, in its own process group) and the app's database: PGlite in a process of its own, or a
 * scratch database on a PostgreSQL server (`postgresUrl`), whose "kill" drops every connection to it
 * (the server is shared, so it is not SIGKILLed).
 */
export interface FaultStack {
  env: Record<string, string>;
  startApp(): Promise<void>;
  killApp(): Promise<void>;
  /**
   * Another app process serving the same functions as the same app, with its own work and scoring
   * dirs (as a replica on its own machine), on its own port. `serveOrigin` is what it registers with
   * the executor (a load balancer in front of the replicas); it syncs on start, as a deploy does.
   */
  startReplica(name: string, serveOrigin: string): Promise<AppReplica>;
  startExecutor(): Promise<void>;
  killExecutor(): Promise<void>;
  startStorage(): Promise<void>;
  killStorage(): Promise<void>;
  /**
   * Resolves once Azurite has saved its metadata to disk after this call. Azurite keeps containers and
   * blob records in memory and saves them every 5 s, so a SIGKILL loses what was written since its last
   * save (real Azure Storage does not). Tests wait for this after writing the inputs, so that a kill
   * loses only what the job wrote, which Batchpoint must redo.
   */
  storageCheckpoint(): Promise<void>;
  killDatabase(): Promise<void>;
  startDatabase(): Promise<void>;
  stop(): Promise<void>;
  /** Where each part's output goes (one file per part, every start appended), for a failing run. */
  logDir: string;
}

export interface AppReplica {
  /** Where this replica itself listens (the load balancer's backend). */
  url: string;
  /** SIGKILL of the replica and its scoring workers. */
  kill(): Promise<void>;
}

const logs = new Map<string, WriteStream>();
function keepOutput(dir: string, part: string, child: ChildProcess) {
  let log = logs.get(part);
  if (!log) logs.set(part, (log = createWriteStream(path.join(dir, `${part}.log`), { flags: "a" })));
  log.write(`--- started ${new Date().toISOString()} pid ${child.pid}\n`);
  child.stdout?.on("data", (d: Buffer) => log.write(d));
  child.stderr?.on("data", (d: Buffer) => log.write(d));
  child.once("exit", (code, signal) => log.write(`--- exited ${new Date().toISOString()} (${code ?? signal})\n`));
}

/** Resolves with the output so far once it contains `needle`. */
function waitForOutput(child: ChildProcess, needle: string, what: string, timeoutMs = 240_000): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => reject(new Error(`${what} did not start: ${out.slice(-800)}`)), timeoutMs);
    const onData = (d: Buffer) => {
      out += d.toString();
      if (out.includes(needle)) {
        clearTimeout(timer);
        resolve(out);
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

export async function startFaultStack(
  baseEnv: Record<string, string | undefined>,
  opts: { postgresUrl?: string } = {},
): Promise<FaultStack> {
  const dir = mkdtempSync(path.join(tmpdir(), "batchpoint-faults-"));
  let database: ChildProcess | undefined;
  const databasePort = await freePort();
  const databasePassword = randomBytes(12).toString("hex");
  const scratch = opts.postgresUrl ? await scratchPostgresDatabase(opts.postgresUrl) : undefined;
  const databaseUrl = scratch?.url ?? `postgres://postgres:${databasePassword}@127.0.0.1:${databasePort}/postgres?sslmode=disable`;
  const startDatabase = async () => {
    if (scratch) return;
    database = spawn(
      process.execPath,
      ["--import", "tsx", "test/faults/database-process.ts", path.join(dir, "app-pg"), String(databasePort), databasePassword],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    keepOutput(dir, "database", database);
    await waitForOutput(database, "listening", "the database");
  };
  await startDatabase();
  await applyMigrations(databaseUrl);
  const executorPort = await freePort();
  const azuritePort = await freePort();
  let azurite: EmbeddedAzurite | undefined;
  let executor: ChildProcess | undefined;
  let app: ChildProcess | undefined;
  const azuriteDir = path.join(dir, "azurite");

  const startStorage = async () => {
    azurite = await startAzurite({ dataDir: azuriteDir, port: azuritePort });
    keepOutput(dir, "azurite", azurite.process);
  };
  await startStorage();
  const env: Record<string, string> = {
    ...(Object.fromEntries(Object.entries(baseEnv).filter(([, v]) => v !== undefined)) as Record<string, string>),
    DATABASE_URL: databaseUrl,
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
    keepOutput(dir, "executor", executor);
    await waitForOutput(executor, "listening on", "the executor");
  };
  const replicas: ChildProcess[] = [];
  const startReplica = async (name: string, serveOrigin: string): Promise<AppReplica> => {
    const child = spawn(process.execPath, ["--conditions=react-server", "--import", "tsx", "test/support/functions-process.ts"], {
      env: {
        ...process.env,
        ...env,
        BATCHPOINT_WORK_DIR: path.join(dir, name, "work"),
        BATCHPOINT_SCORING_CACHE_DIR: path.join(dir, name, "scoring-cache"),
        INNGEST_SERVE_ORIGIN: serveOrigin,
      },
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
    });
    replicas.push(child);
    keepOutput(dir, name, child);
    const out = await waitForOutput(child, "listening", `the app replica ${name}`);
    const url = /listening (\S+)/.exec(out)?.[1];
    if (!url) throw new Error(`the app replica ${name} did not say where it listens: ${out.slice(-400)}`);
    return { url, kill: () => sigkill(child, true) };
  };
  const startApp = async () => {
    app = spawn(process.execPath, ["--conditions=react-server", "--import", "tsx", "test/support/functions-process.ts"], {
      env: { ...process.env, ...env },
      detached: true, // its own process group: the scoring workers die with it
      stdio: ["ignore", "pipe", "pipe"],
    });
    keepOutput(dir, "app", app);
    await waitForOutput(app, "listening", "the app");
  };
  try {
    await startExecutor();
  } catch (e) {
    await sigkill(executor);
    await azurite?.stop();
    await sigkill(database);
    await scratch?.drop();
    throw e;
  }

  return {
    env,
    logDir: dir,
    startApp,
    killApp: () => sigkill(app, true),
    startReplica,
    startExecutor,
    killExecutor: () => sigkill(executor),
    startStorage,
    killStorage: () => sigkill(azurite?.process),
    async storageCheckpoint() {
      const file = path.join(azuriteDir, "__azurite_db_blob__.json");
      const since = Date.now();
      const savedAt = () => {
        try {
          return statSync(file).mtimeMs;
        } catch {
          return 0;
        }
      };
      while (savedAt() <= since) await new Promise((r) => setTimeout(r, 100));
    },
    startDatabase,
    killDatabase: async () => {
      if (scratch) await scratch.dropConnections();
      else await sigkill(database);
    },
    async stop() {
      await Promise.all(replicas.map((r) => sigkill(r, true)));
      await sigkill(app, true);
      await sigkill(executor);
      await azurite?.stop();
      await sigkill(database);
      await scratch?.drop();
    },
  };
}
