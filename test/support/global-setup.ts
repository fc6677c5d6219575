import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { startEmbeddedPostgres, type EmbeddedPostgres } from "../../executor/src/embedded-postgres";
import { type Executor, startExecutor } from "../../executor/src/index";
import { applyMigrations } from "../../prisma/migrate";
import { startAzurite, type EmbeddedAzurite } from "../../scripts/embedded/azurite";
import { scratchPostgresDatabase } from "./postgres-server";

declare module "vitest" {
  export interface ProvidedContext {
    /** One environment per worker slot (VITEST_POOL_ID 1..n picks one): its own database, storage account and executor. */
    slots: Record<string, string>[];
  }
}

/** How many test files of this project run at once: the slots to prepare. */
function slotCount(project: TestProject): number {
  const config = project.config as { fileParallelism?: boolean; maxWorkers?: number | string };
  if (config.fileParallelism === false) return 1;
  const n = Number(config.maxWorkers);
  return Number.isInteger(n) && n > 0 ? n : 1;
}

interface Slot {
  env: Record<string, string>;
  stop(): Promise<void>;
}

/**
 * One worker slot: a database of its own (PGlite on its own thread, or a scratch database on the
 * PostgreSQL server of TEST_DATABASE_URL), migrated; a storage account of its own (and a second one
 * standing for a tenant's own account) on the shared Azurite; and an executor of its own on that
 * database, so the functions a file syncs are the only ones its jobs reach.
 */
async function startSlot(i: number, dir: string, azurite: EmbeddedAzurite): Promise<Slot> {
  const slotDir = path.join(dir, `slot${i}`);
  mkdirSync(slotDir, { recursive: true });
  let pgDb: EmbeddedPostgres | undefined;
  let scratch: Awaited<ReturnType<typeof scratchPostgresDatabase>> | undefined;
  let executor: Executor | undefined;
  const stop = async () => {
    await executor?.stop();
    await pgDb?.stop();
    await scratch?.drop();
  };
  try {
    let databaseUrl: string;
    if (process.env.TEST_DATABASE_URL) {
      scratch = await scratchPostgresDatabase(process.env.TEST_DATABASE_URL);
      databaseUrl = scratch.url;
    } else {
      // On its own thread: the slots' databases work on both cores instead of queueing on this one.
      pgDb = await startEmbeddedPostgres({ worker: true });
      databaseUrl = pgDb.url;
    }
    await applyMigrations(databaseUrl);
    // The real embedded executor; job tests serve our Inngest functions to it over loopback HTTP.
    executor = await startExecutor({ port: 0, host: "127.0.0.1", databaseUrl, log: () => {}, retryBaseMs: 200, retryMaxMs: 2000 });
    const env = {
      DATABASE_URL: databaseUrl,
      AZURE_STORAGE_CONNECTION_STRING: azurite.extraConnectionStrings[`bpslot${i}`],
      TEST_TENANT_STORAGE_CONNECTION_STRING: azurite.extraConnectionStrings[`bpslot${i}tenant`],
      BATCHPOINT_TEST_DIR: slotDir,
      BATCHPOINT_SCORING_CACHE_DIR: path.join(slotDir, "scoring-cache"),
      BATCHPOINT_WORK_DIR: path.join(slotDir, "work"),
      BATCHPOINT_DATASTORES_DIR: path.join(slotDir, "datastores"),
      INNGEST_BASE_URL: executor.url,
    };
    return { env, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}

/**
 * Starts the real services integration tests talk to, once per worker slot (see startSlot): test
 * files that run at the same time see neither each other's rows, blobs nor function runs. Azurite
 * is one process with a pair of accounts per slot.
 */
export default async function setup(project: TestProject) {
  const dir = mkdtempSync(path.join(tmpdir(), "batchpoint-it-"));
  const n = slotCount(project);
  const accounts = Array.from({ length: n }, (_, k) => [`bpslot${k + 1}`, `bpslot${k + 1}tenant`]).flat();
  // Every account is generated (never the public dev key).
  // The hang guard is the hooks' (vitest.config.ts): Azurite's own 3 minutes passed at load 50-70.
  const azurite = await startAzurite({ dataDir: path.join(dir, "azurite"), extraAccounts: accounts, readyTimeoutMs: 600_000 });
  const started = await Promise.allSettled(Array.from({ length: n }, (_, k) => startSlot(k + 1, dir, azurite)));
  const slots = started.flatMap((r) => (r.status === "fulfilled" ? [r.value] : []));
  const stopAll = async () => {
    await Promise.all(slots.map((s) => s.stop()));
    await azurite.stop();
    rmSync(dir, { recursive: true, force: true });
  };
  const failed = started.find((r) => r.status === "rejected");
  if (failed) {
    await stopAll();
    throw (failed as PromiseRejectedResult).reason;
  }
  const common = {
    BATCHPOINT_SECRET_KEY: "1".repeat(64),
    NEXTAUTH_SECRET: "test-secret-test-secret-test-secret-0",
    INNGEST_DEV: "1",
    // The webhook tests' receivers listen on loopback; production refuses private addresses by default.
    BATCHPOINT_WEBHOOK_ALLOW_PRIVATE: "1",
    // Datastores on the test Azurite (loopback) are allowed; test/security/datastores.test.ts turns this off.
    BATCHPOINT_DATASTORE_ALLOW_PRIVATE: "1",
    // bcrypt's minimum, as for the browser tests' server (decision 0035): what the sign-in tests check
    // (the right password signs in, a wrong one and an unknown email answer alike, the limiter counts
    // checks) holds at any cost; lib/auth/password.test.ts pins the default 11.
    BATCHPOINT_PASSWORD_HASH_COST: "4",
  };
  project.provide(
    "slots",
    slots.map((s) => ({ ...common, ...s.env })),
  );
  return stopAll;
}
