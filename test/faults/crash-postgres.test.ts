import pg from "pg";
import { describe, it } from "vitest";
import { startFaultStack } from "./harness";

// The same crashes on PostgreSQL: a scratch database on the server of FAULTS_POSTGRES_URL, else
// TEST_DATABASE_URL, else the machine's own server on 127.0.0.1:5432. Its "kill" drops every connection
// to the scratch database (the server is shared, so it is not SIGKILLed).
const serverUrl = process.env.FAULTS_POSTGRES_URL || process.env.TEST_DATABASE_URL || "postgresql://postgres@127.0.0.1:5432/postgres";

async function reachable(url: string) {
  const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  try {
    await c.connect();
    await c.end();
    return true;
  } catch (e) {
    console.warn(`PostgreSQL at ${new URL(url).host} did not answer (${(e as Error).message}); set FAULTS_POSTGRES_URL to run these.`);
    return false;
  }
}

if (await reachable(serverUrl)) {
  const stack = await startFaultStack(process.env, { postgresUrl: serverUrl });
  Object.assign(process.env, stack.env);
  const { defineCrashSuite } = await import("./crash-suite");
  defineCrashSuite(stack, "PostgreSQL", ["database", "all-mid-job", "all-at-finalize"]);
} else {
  describe.skip("SIGKILL of each part of Batchpoint mid-job on PostgreSQL", () => it("needs a PostgreSQL server", () => {}));
}
