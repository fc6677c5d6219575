/**
 * The dashboard's jobs table at scale: `npm run bench:jobs-table`. Seeds 100,000 jobs (a quarter
 * started with an API token, with their audit events) into an embedded PGlite, then times the
 * query behind each view of the jobs page (lib/jobs/find-job-list.ts): the first page, deep pages,
 * each sort, searches by job name and by display name (with a page N of the results), a status
 * filter and 200 rows a page. Median of BENCH_RUNS runs each. The searches are timed again with the
 * trigram indexes dropped, to show what they buy. Writes BENCHMARKS.md, section "Dashboard: jobs table".
 *
 *   BENCH_JOBS=100000 BENCH_RUNS=5 npm run bench:jobs-table
 */
import { mkdtempSync, rmSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { startEmbeddedPostgres } from "../../executor/src/embedded-postgres";
import { SAMPLE_JOB_OUTPUT_PATH, SAMPLE_JOB_SNAPSHOT_SQL } from "../../lib/jobs/sample-job-snapshot";
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
const { presentJob } = await import("../../lib/jobs/present-job");

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
  `INSERT INTO "Job" (id, "workspaceId", name, "displayName", tags, "endpointName", "deploymentName", "deploymentVersion", inputs, settings, "outputPath", "outputFileName", status, "submittedById", "submittedVia", "createdAt", "startedAt", "finishedAt", "miniBatchesTotal", "miniBatchesCompleted", "filesTotal", "filesCompleted", "filesFailed")
   SELECT 'j' || i, $1, 'batchjob-' || lpad(i::text, 6, '0'),
     -- Display names as people give them (a third of the jobs have none), tags on half.
     CASE WHEN i % 3 = 0 THEN NULL ELSE (ARRAY['Nightly claims','Weekly churn','Fraud backfill','December reviews','Image audit'])[1 + i % 5] || ' ' || to_char(now() - make_interval(mins => i), 'YYYY-MM-DD HH24:MI') END,
     CASE WHEN i % 2 = 0 THEN jsonb_build_object('team', (ARRAY['risk','support','vision'])[1 + i % 3]) ELSE '{}'::jsonb END,
     'ep-' || (i % 20), 'blue', 1, ${SAMPLE_JOB_SNAPSHOT_SQL}, '${SAMPLE_JOB_OUTPUT_PATH}', 'predictions.csv',
     (ARRAY['completed','failed','canceled'])[1 + i % 3]::"JobStatus", CASE WHEN i % 4 = 0 THEN NULL ELSE 'ubench' END, CASE WHEN i % 4 = 0 THEN 'api' ELSE 'ui' END,
     now() - make_interval(mins => i), now() - make_interval(mins => i), now() - make_interval(mins => i) + interval '90 seconds', 4, 4, 8, 8 - i % 3, i % 3
   FROM generate_series(1, $2::int) AS i`,
  [ws, JOBS],
);
await sql.query(
  `INSERT INTO "AuditEvent" (id, "workspaceId", "actorTokenId", action, "targetType", "targetId", "createdAt")
   SELECT 'a' || id, "workspaceId", 'tbench', 'job.invoked', 'job', id, "createdAt" FROM "Job" WHERE "submittedById" IS NULL`,
);
// A seeded job must read as the job page reads it (a snapshot of the stored shape): fail here, not in a browser.
presentJob(await db.job.findFirstOrThrow({ where: { workspaceId: ws } }));
await sql.query(`ANALYZE`);
const seedSeconds = (performance.now() - seedStart) / 1000;

const views: [string, Record<string, unknown>, search?: true][] = [
  ["first page (newest, 20 rows)", {}],
  ["page 50", { page: 50 }],
  ["deep page (page 4,000)", { page: 4000 }],
  ["sort by name", { sort: "name", dir: "asc" }],
  ["sort by name, page 2,000", { sort: "name", dir: "asc", page: 2000 }],
  ["sort by failed files, most first", { sort: "failed", dir: "desc" }],
  ["sort by status", { sort: "status" }],
  ["search by job name (q=01234)", { q: "01234" }, true],
  ["search by job name (q=batchjob-09), page 5", { q: "batchjob-09", page: 5 }, true],
  ["search by display name (q=fraud backfill)", { q: "fraud backfill" }, true],
  ["search by display name, sorted by name, page 10", { q: "weekly churn", sort: "name", page: 10 }, true],
  ["search with no match (q=no-such-job)", { q: "no-such-job" }, true],
  ["tag team=risk", { q: "team=risk" }],
  ["status=failed, endpoint=ep-2", { status: "failed", endpoint: "ep-2" }],
  ["200 rows a page", { perPage: 200 }],
];
async function time(query: Record<string, unknown>) {
  const times: number[] = [];
  let count = 0;
  for (let i = 0; i < RUNS + 1; i++) {
    const t = performance.now();
    const r = await findJobList({ workspaceId: ws, ...query });
    if (i > 0) times.push(performance.now() - t); // the first run warms Prisma's query cache
    count = r.count;
  }
  times.sort((a, b) => a - b);
  return { count, median: times[Math.floor(times.length / 2)], worst: times[times.length - 1] };
}
const results: { label: string; search: boolean; query: Record<string, unknown>; count: number; median: number; worst: number }[] = [];
for (const [label, query, search] of views) {
  const r = await time(query);
  results.push({ label, search: !!search, query, ...r });
  console.log(label, `${r.median.toFixed(0)} ms`);
}
// The same searches without the trigram indexes (a scan of every job of the workspace), for comparison.
const trigram = await sql.query<{ indexname: string }>(
  `SELECT indexname FROM pg_indexes WHERE tablename = 'Job' AND indexdef LIKE '%gin_trgm_ops%'`,
);
const without = new Map<string, number>();
if (trigram.rows.length) {
  for (const { indexname } of trigram.rows) await sql.query(`DROP INDEX "${indexname}"`);
  for (const r of results.filter((x) => x.search)) {
    const t = await time(r.query);
    without.set(r.label, t.median);
    console.log(r.label, "without trigram indexes", `${t.median.toFixed(0)} ms`);
  }
}
const ms = (n: number) => `${n.toFixed(0)} ms`;
const rows = results.map(
  (r) =>
    `| ${r.label} | ${r.count.toLocaleString("en")} | ${ms(r.median)} | ${ms(r.worst)} | ${without.has(r.label) ? ms(without.get(r.label)!) : ""} |`,
);
await sql.end();
await db.$disconnect();
await embedded.stop();
rmSync(dir, { recursive: true, force: true });

writeBenchmarkSection(
  "Dashboard: jobs table",
  `Command: \`BENCH_JOBS=${JOBS} BENCH_RUNS=${RUNS} npm run bench:jobs-table\` (scripts/bench/jobs-table.ts), ${new Date().toISOString().slice(0, 16)} UTC,
${cpus().length} cores, load average ${loadBefore.toFixed(1)} at start. ${JOBS.toLocaleString("en")} jobs in one workspace, a quarter
started with an API token (their submitter is the token's name, from the audit log), seeded in ${seedSeconds.toFixed(1)} s.
Two thirds of the jobs have a display name ("Fraud backfill 2026-11-03 14:20"), half have a tag. Time of the jobs page's query
(rows, count and submitters) against embedded PGlite; median and worst of ${RUNS} warm runs. Searches match the job name
or display name as a substring in any case (ILIKE), served by the trigram GIN indexes of migration 20261201180632_job_search_trigram;
the last column is the median of the same search with those indexes dropped.

| view | jobs matched | median | worst | search without trigram indexes |
| --- | --- | --- | --- | --- |
${rows.join("\n")}
`,
);
