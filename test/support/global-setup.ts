import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import type { TestProject } from "vitest/node";
import { startEmbeddedPostgres, type EmbeddedPostgres } from "../../executor/src/embedded-postgres";
import { startExecutor } from "../../executor/src/index";
import { applyMigrations } from "../../prisma/migrate";
import { startAzurite, type EmbeddedAzurite } from "../../scripts/embedded/azurite";

declare module "vitest" {
  export interface ProvidedContext {
    env: Record<string, string>;
  }
}

/** Creates a throwaway database on the server of `serverUrl`; returns its URL and a drop function. */
async function scratchDatabase(serverUrl: string) {
  const name = `batchpoint_test_${Date.now()}_${Math.floor(Math.random() * 1e6)}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: serverUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await c.end();
    },
  };
}

/**
 * Starts the real services integration tests talk to: PGlite, or a fresh database on the
 * PostgreSQL server of TEST_DATABASE_URL; and Azurite. Migrates the database once.
 */
export default async function setup(project: TestProject) {
  const dir = mkdtempSync(path.join(tmpdir(), "batchpoint-it-"));
  let pgDb: EmbeddedPostgres | undefined;
  let scratch: Awaited<ReturnType<typeof scratchDatabase>> | undefined;
  let databaseUrl: string;
  if (process.env.TEST_DATABASE_URL) {
    scratch = await scratchDatabase(process.env.TEST_DATABASE_URL);
    databaseUrl = scratch.url;
  } else {
    pgDb = await startEmbeddedPostgres({ dataDir: path.join(dir, "pg") });
    databaseUrl = pgDb.url;
  }
  await applyMigrations(databaseUrl);
  // The platform's account is generated (never the public dev key); "tenantstore" stands for a tenant's own storage account.
  const azurite: EmbeddedAzurite = await startAzurite({ dataDir: path.join(dir, "azurite"), extraAccounts: ["tenantstore"] });
  // The real embedded executor; job tests serve our Inngest functions to it over loopback HTTP.
  const executor = await startExecutor({ port: 0, host: "127.0.0.1", databaseUrl, log: () => {}, retryBaseMs: 200, retryMaxMs: 2000 });
  project.provide("env", {
    DATABASE_URL: databaseUrl,
    AZURE_STORAGE_CONNECTION_STRING: azurite.connectionString,
    BATCHPOINT_SECRET_KEY: "1".repeat(64),
    NEXTAUTH_SECRET: "test-secret-test-secret-test-secret-0",
    BATCHPOINT_TEST_DIR: dir,
    BATCHPOINT_SCORING_CACHE_DIR: path.join(dir, "scoring-cache"),
    BATCHPOINT_WORK_DIR: path.join(dir, "work"),
    INNGEST_BASE_URL: executor.url,
    INNGEST_DEV: "1",
    // The webhook tests' receivers listen on loopback; production refuses private addresses by default.
    BATCHPOINT_WEBHOOK_ALLOW_PRIVATE: "1",
    // Datastores on the test Azurite (loopback) are allowed; test/security/datastores.test.ts turns this off.
    BATCHPOINT_DATASTORE_ALLOW_PRIVATE: "1",
    TEST_TENANT_STORAGE_CONNECTION_STRING: azurite.extraConnectionStrings.tenantstore,
  });
  return async () => {
    await executor.stop();
    await azurite.stop();
    await pgDb?.stop();
    await scratch?.drop();
    rmSync(dir, { recursive: true, force: true });
  };
}
