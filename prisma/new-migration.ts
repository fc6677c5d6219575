// Writes the next migration from the difference between the schema as the migrations leave it
// (prisma/migrations/schema.snapshot.prisma) and prisma/schema.prisma, then moves the snapshot
// forward: `npm run db:new-migration -- add_job_priority`.
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { copyFileSync, mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { startEmbeddedPostgres } from "../executor/src/embedded-postgres";

const SNAPSHOT = path.join("prisma", "migrations", "schema.snapshot.prisma");

const name = process.argv[2];
if (!name || !/^[a-z0-9_]+$/.test(name)) {
  console.error("usage: npm run db:new-migration -- <name_in_snake_case>");
  process.exit(2);
}

// Prisma's JS schema engine wants a reachable database even for a schema-to-schema diff.
const pgDb = await startEmbeddedPostgres({});
try {
  // Asynchronous on purpose: PGlite is served from this process's event loop.
  const { stdout: sql } = await promisify(execFile)(
    "npx",
    ["prisma", "migrate", "diff", "--from-schema-datamodel", SNAPSHOT, "--to-schema-datamodel", "prisma/schema.prisma", "--script"],
    { encoding: "utf8", env: { ...process.env, DATABASE_URL: pgDb.url } },
  );
  if (!/^(CREATE|ALTER|DROP)/m.test(sql)) {
    console.log("The schema matches the migrations: nothing to write.");
  } else {
    const stamp = new Date().toISOString().replace(/[-:T]/g, "").slice(0, 14);
    const dir = path.join("prisma", "migrations", `${stamp}_${name}`);
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, "migration.sql"), sql);
    copyFileSync(path.join("prisma", "schema.prisma"), SNAPSHOT);
    console.log(`Wrote ${dir}/migration.sql; review it, then run the app or tests to apply it.`);
  }
} finally {
  await pgDb.stop();
}
