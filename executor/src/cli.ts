import { parseArgs } from "node:util";
import { startEmbeddedPostgres } from "./embedded-postgres";
import { startExecutor } from "./index";

const { values } = parseArgs({
  options: {
    port: { type: "string", default: process.env.EXECUTOR_PORT ?? "8288" },
    host: { type: "string", default: process.env.EXECUTOR_HOST ?? "127.0.0.1" },
    "database-url": { type: "string", default: process.env.EXECUTOR_DATABASE_URL },
    "data-dir": { type: "string", default: process.env.EXECUTOR_DATA_DIR ?? ".data/executor-pg" },
    "sdk-url": { type: "string", multiple: true, default: [] },
    "signing-key": { type: "string", default: process.env.INNGEST_SIGNING_KEY },
    "event-key": { type: "string", default: process.env.INNGEST_EVENT_KEY },
    "lease-ms": { type: "string", default: process.env.EXECUTOR_LEASE_MS },
    "async-commit": { type: "boolean", default: process.env.EXECUTOR_ASYNC_COMMIT === "1" },
    "run-retention-days": { type: "string", default: process.env.EXECUTOR_RUN_RETENTION_DAYS ?? "30" },
    help: { type: "boolean", default: false },
  },
});

if (values.help) {
  console.log(`usage: npm run executor -- [--port 8288] [--host 127.0.0.1] [--database-url postgres://...]
       [--data-dir .data/executor-pg] [--sdk-url URL]... [--signing-key KEY] [--event-key KEY] [--lease-ms 30000]
       [--run-retention-days 30]
Without --database-url an embedded PGlite database is kept in --data-dir (with a password generated
per start). With --signing-key every API route requires Authorization: Bearer <hashed signing key>.
POST /v1/apps/sync only syncs the --sdk-url URLs. Finished runs older than --run-retention-days are
deleted (0 keeps them forever).`);
  process.exit(0);
}
const runRetentionDays = Number(values["run-retention-days"]);
if (!Number.isFinite(runRetentionDays) || runRetentionDays < 0) {
  console.error(`--run-retention-days must be a number of days, 0 or more (got '${values["run-retention-days"]}').`);
  process.exit(2);
}

if (values["signing-key"] && !values["event-key"]) {
  console.error("--signing-key needs --event-key (or INNGEST_EVENT_KEY): in signed mode events must carry a key too.");
  process.exit(2);
}

let databaseUrl = values["database-url"];
let pglite: Awaited<ReturnType<typeof startEmbeddedPostgres>> | undefined;
if (!databaseUrl) {
  pglite = await startEmbeddedPostgres({ dataDir: values["data-dir"], port: 0 });
  databaseUrl = pglite.url;
  console.log(`executor: embedded PGlite in ${values["data-dir"]}`);
}
const ex = await startExecutor({
  port: Number(values.port),
  host: values.host,
  databaseUrl,
  sdkUrls: values["sdk-url"],
  signingKey: values["signing-key"] || undefined,
  eventKey: values["event-key"] || undefined,
  ...(values["lease-ms"] ? { leaseMs: Number(values["lease-ms"]) } : {}),
  asyncCommit: values["async-commit"],
  runRetentionDays,
});

let stopping = false;
async function shutdown(sig: string) {
  if (stopping) return;
  stopping = true;
  console.log(`executor: ${sig}, draining`);
  await ex.stop();
  await pglite?.stop();
  process.exit(0);
}
process.on("SIGINT", () => void shutdown("SIGINT"));
process.on("SIGTERM", () => void shutdown("SIGTERM"));
