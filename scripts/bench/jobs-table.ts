/**
 * The dashboard's jobs table at scale: `npm run bench:jobs-table`. Seeds 100,000 jobs (a quarter
 * started with an API token, with their audit events) into an embedded PGlite, then times the
 * query behind each view of the jobs page (lib/jobs/find-job-list.ts): the first page, a deep page,
 * each sort, a name search, a status filter and 200 rows a page. Median of BENCH_RUNS runs each.
 * Writes BENCHMARKS.md, section "Dashboard: jobs table".
 *
 *   BENCH_JOBS=100000 BENCH_RUNS=5 npm run bench:jobs-table
 */
import { mkdtempSync, rmSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { startEmbeddedPostgres } from "../../executor/src/embedded-postgres";
import { applyMigrations } from "../../prisma/migrate";
import { writeBenchmarkSection } from "./write-section";

const JOBS = Number(process.env.BENCH_JOBS || 100_000);
const RUNS = Number(process.env.BENCH_RUNS || 5);

const dir = mkdtempSync(path.join(tmpdir(), "bench-jobs-table-"));
const loadBefore = loadavg()[0];
const embedded = await startEmbeddedPostgres({ worker: true, dataDir: path.join(dir, "pg") });
await applyMigrations(embedded.url);
// No blob storage is touched; the environment check still wants a connection string.
Object.assign(process.env, {
  DATABASE_URL: embedded.url,
  AZURE_STORAGE_CONNECTION_STRING: "UseDevelopmentStorage=true",
  BATCHPOINT_SECRET_KEY: "2".repeat(64),
  NEXTAUTH_SECRET: "bench-secret-bench-secret-bench-secret",
});
const { findJobList } = await import("../../lib/jobs/find-job-list");
const { db } = await import("../../lib/db");

const sql = new pg.Client({ connectionString: embedded.url });
await sql.connect();
const ws = "wbench";
await sql.query(`INSERT INTO "Workspace" (id, slug, name, "updatedAt") VALUES ($1, 'bench', 'bench', now())`, [ws]);
await sql.query(`INSERT INTO "User" (id, email, "updatedAt") VALUES ('ubench', 'bench@example.test', now())`);
await sql.query(
  `INSERT INTO "ApiToken" (id, "workspaceId", name, role, "tokenHash", prefix) VALUES ('tbench', $1, 'nightly-pipeline', 'scientist', 'x', 'bp_x')`,
  [ws],
);
const seedStart = performance.now();
await sql.query(
  `INSERT INTO "Job" (id, "workspaceId", name, "endpointName", "deploymentName", "deploymentVersion", inputs, settings, "outputPath", "outputFileName", status, "submittedById", "submittedVia", "createdAt", "startedAt", "finishedAt", "miniBatchesTotal", "miniBatchesCompleted", "filesTotal", "filesCompleted", "filesFailed")
   SELECT 'j' || i, $1, 'batchjob-' || lpad(i::text, 6, '0'), 'ep-' || (i % 20), 'blue', 1, '{}', '{}', 'out/', 'predictions.csv',
     (ARRAY['completed','failed','canceled'])[1 + i % 3]::"JobStatus", CASE WHEN i % 4 = 0 THEN NULL ELSE 'ubench' END, CASE WHEN i % 4 = 0 THEN 'api' ELSE 'ui' END,
     now() - make_interval(mins => i), now() - make_interval(mins => i), now() - make_interval(mins => i) + interval '90 seconds', 4, 4, 8, 8 - i % 3, i % 3
   FROM generate_series(1, $2::int) AS i`,
  [ws, JOBS],
);
await sql.query(
  `INSERT INTO "AuditEvent" (id, "workspaceId", "actorTokenId", action, "targetType", "targetId", "createdAt")
   SELECT 'a' || id, "workspaceId", 'tbench', 'job.invoked', 'job', id, "createdAt" FROM "Job" WHERE "submittedById" IS NULL`,
);
await sql.query(`ANALYZE`);
const seedSeconds = (performance.now() - seedStart) / 1000;

const views: [string, Record<string, unknown>][] = [
  ["first page (newest, 20 rows)", {}],
  ["deep page (page 4,000)", { page: 4000 }],
  ["sort by name", { sort: "name", dir: "asc" }],
  ["sort by failed files, most first", { sort: "failed", dir: "desc" }],
  ["sort by status", { sort: "status" }],
  ["search by name (q=01234)", { q: "01234" }],
  ["status=failed, endpoint=ep-2", { status: "failed", endpoint: "ep-2" }],
  ["200 rows a page", { perPage: 200 }],
];
const rows: string[] = [];
for (const [label, query] of views) {
  const times: number[] = [];
  let count = 0;
  for (let i = 0; i < RUNS + 1; i++) {
    const t = performance.now();
    const r = await findJobList({ workspaceId: ws, ...query });
    if (i > 0) times.push(performance.now() - t); // the first run warms Prisma's query cache
    count = r.count;
  }
  times.sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)];
  rows.push(`| ${label} | ${count.toLocaleString("en")} | ${median.toFixed(0)} ms | ${times[times.length - 1].toFixed(0)} ms |`);
  console.log(label, `${median.toFixed(0)} ms`);
}
await sql.end();
await db.$disconnect();
await embedded.stop();
rmSync(dir, { recursive: true, force: true });

writeBenchmarkSection(
  "Dashboard: jobs table",
  `Command: \`BENCH_JOBS=${JOBS} BENCH_RUNS=${RUNS} npm run bench:jobs-table\` (scripts/bench/jobs-table.ts), ${new Date().toISOString().slice(0, 16)} UTC,
${cpus().length} cores, load average ${loadBefore.toFixed(1)} at start. ${JOBS.toLocaleString("en")} jobs in one workspace, a quarter
started with an API token (their submitter is the token's name, from the audit log), seeded in ${seedSeconds.toFixed(1)} s.
Time of the jobs page's query (rows, count and submitters) against embedded PGlite; median and worst of ${RUNS} warm runs.

| view | jobs matched | median | worst |
| --- | --- | --- | --- |
${rows.join("\n")}
`,
);
