// `npm run dev` / `npm start`: Batchpoint on one machine with no setup. Starts whatever is not
// configured (PGlite for DATABASE_URL, Azurite for AZURE_STORAGE_CONNECTION_STRING, generated
// secrets), applies migrations, ensures the bootstrap admin, then runs Next.js. Ctrl-C stops all.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { createInterface } from "node:readline";
import { startEmbeddedPostgres, type EmbeddedPostgres } from "../executor/src/embedded-postgres";
import { startExecutor, type Executor } from "../executor/src/index";
import { applyMigrations } from "../prisma/migrate";
import { startAzurite, type EmbeddedAzurite } from "./embedded/azurite";
import { loadOrCreateSecrets } from "./embedded/secrets";

const mode = process.argv[2] === "start" ? "start" : "dev";
if (existsSync(".env")) process.loadEnvFile(".env");

const dataDir = path.resolve(process.env.BATCHPOINT_DATA_DIR || ".data");
const port = Number(process.env.PORT || 3000);
const host = process.env.HOST || "127.0.0.1";
const log = (line: string) => console.log(`[batchpoint] ${line}`);
const runRetentionDays = runHistoryDays(); // checked before anything starts

let pgDb: EmbeddedPostgres | undefined;
let azurite: EmbeddedAzurite | undefined;
let next: ChildProcess | undefined;
let executor: Executor | undefined;
let stopping = false;

async function shutdown(code: number) {
  if (stopping) return;
  stopping = true;
  log("stopping…");
  if (next?.pid && next.exitCode === null) {
    const exited = new Promise((r) => next!.once("exit", r));
    next.kill("SIGTERM");
    await Promise.race([exited, new Promise((r) => setTimeout(r, 8000))]);
  }
  await executor?.stop();
  await azurite?.stop();
  await pgDb?.stop();
  process.exit(code);
}
process.on("SIGINT", () => void shutdown(0));
process.on("SIGTERM", () => void shutdown(0));

async function main() {
  // Tenant code runs only in the scoring sandbox: say now, not at the first job, if it cannot start.
  const { assertSandboxUsable } = await import("../lib/scoring/sandbox");
  try {
    const sandbox = assertSandboxUsable();
    if (sandbox.warning) console.warn(`[batchpoint] ${sandbox.warning}`);
    else {
      const pids =
        sandbox.processLimit === "cgroup"
          ? "a pids cgroup per worker"
          : sandbox.processLimit === "worker-uid"
            ? "RLIMIT_NPROC of an unprivileged uid per worker (root server, no writable cgroup)"
            : "RLIMIT_NPROC of the server's uid (give the server a dedicated user)";
      log(`scoring sandbox: bubblewrap, no network by default, limits on memory, files and CPU; processes limited by ${pids}`);
    }
  } catch (e) {
    console.error(`[batchpoint] ${(e as Error).message}`);
    return shutdown(2);
  }

  const env: Record<string, string> = {};
  const secrets = loadOrCreateSecrets(dataDir);
  if (!process.env.DATABASE_URL) {
    pgDb = await startEmbeddedPostgres({
      dataDir: path.join(dataDir, "pg"),
      port: Number(process.env.BATCHPOINT_PG_PORT || 0),
      password: secrets.EMBEDDED_PG_PASSWORD,
    });
    env.DATABASE_URL = pgDb.url;
    log(`embedded PostgreSQL (PGlite) on 127.0.0.1:${pgDb.port}, data in ${path.relative(process.cwd(), dataDir) || "."}/pg`);
  }
  if (!process.env.AZURE_STORAGE_CONNECTION_STRING) {
    azurite = await startAzurite({ dataDir: path.join(dataDir, "azurite"), port: Number(process.env.BATCHPOINT_AZURITE_PORT || 0) });
    env.AZURE_STORAGE_CONNECTION_STRING = azurite.connectionString;
    log(`embedded blob storage (Azurite) on 127.0.0.1:${azurite.port}`);
    // No storage account of the user's: new workspaces keep their default datastore on local disk,
    // read in place by the scorer; Azurite holds only platform files (docs/decisions/0024).
    if (!process.env.BATCHPOINT_DEFAULT_DATASTORE) env.BATCHPOINT_DEFAULT_DATASTORE = "filesystem";
  }
  if (!process.env.BATCHPOINT_SECRET_KEY) env.BATCHPOINT_SECRET_KEY = secrets.BATCHPOINT_SECRET_KEY;
  if (!process.env.NEXTAUTH_SECRET) env.NEXTAUTH_SECRET = secrets.NEXTAUTH_SECRET;
  if (!process.env.NEXTAUTH_URL) env.NEXTAUTH_URL = `http://localhost:${port}`;
  const embeddedExecutor = !process.env.INNGEST_BASE_URL && process.env.INNGEST_DEV !== "1";
  if (embeddedExecutor) {
    env.INNGEST_SIGNING_KEY = process.env.INNGEST_SIGNING_KEY || secrets.INNGEST_SIGNING_KEY;
    env.INNGEST_EVENT_KEY = process.env.INNGEST_EVENT_KEY || secrets.INNGEST_EVENT_KEY;
    env.INNGEST_DEV = "0";
  }
  Object.assign(process.env, env);

  // Validate everything before anything else touches it: one line per bad variable.
  const { parseEnv, EnvError } = await import("../lib/env");
  try {
    parseEnv();
  } catch (e) {
    if (e instanceof EnvError) {
      console.error(e.message);
      return shutdown(2);
    }
    throw e;
  }

  const applied = await applyMigrations(process.env.DATABASE_URL!, log);
  if (!applied.length) log("database schema is up to date");

  const { ensureAdmin } = await import("../lib/bootstrap/ensure-admin");
  const { ensureWorkspaceContainers } = await import("../lib/bootstrap/ensure-containers");
  const admin = await ensureAdmin({
    email: process.env.BATCHPOINT_ADMIN_EMAIL,
    password: process.env.BATCHPOINT_ADMIN_PASSWORD,
    token: process.env.BATCHPOINT_ADMIN_TOKEN,
  });
  await ensureWorkspaceContainers();
  const { migratePlatformFiles } = await import("../lib/bootstrap/migrate-platform-files");
  await migratePlatformFiles(log); // one-time copy of _batchpoint/ files to the platform store (docs/decisions/0007)
  const { db } = await import("../lib/db");
  await db.$disconnect();

  if (embeddedExecutor) {
    // The embedded Inngest-compatible executor, in this process, with its state in the same database.
    executor = await startExecutor({
      port: Number(process.env.BATCHPOINT_EXECUTOR_PORT || 0),
      host: "127.0.0.1",
      databaseUrl: process.env.DATABASE_URL!,
      signingKey: process.env.INNGEST_SIGNING_KEY,
      eventKey: process.env.INNGEST_EVENT_KEY,
      log: (line) => console.log(`[executor] ${line}`),
      runRetentionDays,
    });
    env.INNGEST_BASE_URL = executor.url;
    process.env.INNGEST_BASE_URL = executor.url;
    log(`embedded executor on ${executor.url}`);
  }

  const nextBin = path.join("node_modules", "next", "dist", "bin", "next");
  if (mode === "start" && !existsSync(path.join(".next", "BUILD_ID"))) {
    log("no production build found: building (npm run build)…");
    const build = spawn(process.execPath, [nextBin, "build"], { stdio: "inherit", env: { NEXT_TELEMETRY_DISABLED: "1", ...process.env } });
    const code: number = await new Promise((r) => build.once("exit", (c) => r(c ?? 1)));
    if (code !== 0) return shutdown(code);
  }
  next = spawn(process.execPath, [nextBin, mode, "-p", String(port), "-H", host], {
    stdio: ["ignore", "pipe", "inherit"],
    env: { NEXT_TELEMETRY_DISABLED: "1", ...process.env, ...env },
  });
  // Next prints the address it listens on (127.0.0.1) beside ours; users get one URL, the public one, below.
  createInterface({ input: next.stdout! }).on("line", (line) => {
    if (!/^\s*-\s*(Local|Network):/.test(line)) console.log(line);
  });
  next.once("exit", (code) => {
    if (!stopping) {
      log(`Next.js exited with code ${code}`);
      void shutdown(code ?? 1);
    }
  });

  const url = (env.NEXTAUTH_URL ?? process.env.NEXTAUTH_URL ?? `http://localhost:${port}`).replace(/\/$/, "");
  await waitForHttp(`http://localhost:${port}/api/health`, 180_000);
  if (executor) await executor.syncApp(`http://127.0.0.1:${port}/api/inngest`);
  log(`ready: ${url}`);
  if (admin && process.env.BATCHPOINT_ADMIN_EMAIL) log(`sign in as ${process.env.BATCHPOINT_ADMIN_EMAIL} with BATCHPOINT_ADMIN_PASSWORD`);
  else log(`open ${url} and create an account (Sign up); you get your own workspace`);
  log("press Ctrl-C to stop");
}

async function waitForHttp(url: string, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && !stopping) {
    try {
      const res = await fetch(url);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 300));
  }
}

main().catch((e) => {
  console.error(`[batchpoint] could not start: ${(e as Error).message}`);
  void shutdown(1);
});

/** BATCHPOINT_RUN_HISTORY_DAYS: days the embedded executor keeps finished runs (default 30; 0 keeps them). */
function runHistoryDays(): number {
  const raw = process.env.BATCHPOINT_RUN_HISTORY_DAYS;
  if (raw === undefined || raw === "") return 30;
  const days = Number(raw);
  if (!Number.isFinite(days) || days < 0) {
    console.error(
      "[batchpoint] BATCHPOINT_RUN_HISTORY_DAYS must be a number of days, 0 or more (e.g. 30); unset it for the default of 30.",
    );
    process.exit(2);
  }
  return days;
}
