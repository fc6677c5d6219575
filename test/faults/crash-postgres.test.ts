import { describe, it } from "vitest";
import { POSTGRES_SERVER_URL, postgresReachable } from "../support/postgres-server";
import { startFaultStack } from "./harness";

// The same crashes on PostgreSQL, in a scratch database (see ../support/postgres-server). Its "kill"
// drops every connection to the scratch database: the server is shared, so it is not SIGKILLed.
if (await postgresReachable()) {
  const stack = await startFaultStack(process.env, { postgresUrl: POSTGRES_SERVER_URL });
  Object.assign(process.env, stack.env);
  const { defineCrashSuite } = await import("./crash-suite");
  defineCrashSuite(stack, "PostgreSQL", ["database", "all-mid-job", "all-at-finalize"]);
} else {
  describe.skip("SIGKILL of each part of Batchpoint mid-job on PostgreSQL", () => it("needs a PostgreSQL server", () => {}));
}
