/**
 * CPU per SQL statement through the embedded database's wire-protocol server: PGlite behind
 * @electric-sql/pglite-socket as startEmbeddedPostgres runs it (src/pglite-socket-fix.mjs), with a
 * connection's Parse..Sync handed to PGlite as one run of messages, against the library's one
 * message per call. Client (`pg`) and server run in this process, so its CPU (user + system) is both.
 *
 *   npm run bench -- pglite        (PGLITE_BENCH_STATEMENTS=3000 per statement kind and round)
 *
 * Rounds alternate the two settings on fresh databases; writes BENCHMARKS.md, "Embedded database: CPU per statement".
 */
import { cpus, loadavg } from "node:os";
import { PGlite } from "@electric-sql/pglite";
import { PGLiteSocketServer } from "@electric-sql/pglite-socket";
import pg from "pg";
import { writeBenchmarkSection } from "../../scripts/bench/write-section";
import { patchPgliteSocketServer } from "../src/pglite-socket-fix.mjs";

const N = Number(process.env.PGLITE_BENCH_STATEMENTS || 3000);
const ROUNDS = 4;
const loadBefore = loadavg()[0];

const kinds = {
  "SELECT one row by key": (c: pg.Pool, i: number) =>
    c.query(`SELECT "id", "status", "done", "total", "error" FROM job WHERE "id" = $1`, [`j${i % 1000}`]),
  "UPDATE one row, RETURNING": (c: pg.Pool, i: number) =>
    c.query(`UPDATE job SET "done" = "done" + 1 WHERE "id" = $1 RETURNING "done", "total"`, [`j${i % 1000}`]),
  "simple query (no parameters)": (c: pg.Pool) => c.query("SELECT 1"),
} as const;

async function measure(groupMessages: boolean) {
  const db = await PGlite.create("memory://");
  const server = new PGLiteSocketServer({ db, host: "127.0.0.1", port: 0 });
  patchPgliteSocketServer(server, { groupMessages });
  await server.start();
  const address = (server as unknown as { server: { address(): { port: number } } }).server.address();
  const pool = new pg.Pool({ connectionString: `postgres://postgres@127.0.0.1:${address.port}/postgres`, max: 4 });
  await pool.query(`CREATE TABLE job ("id" text PRIMARY KEY, "status" text, "done" int, "total" int, "error" text)`);
  await pool.query(`INSERT INTO job SELECT 'j' || g, 'running', 0, 100, NULL FROM generate_series(0, 999) AS g`);
  const out: Record<string, number> = {};
  for (const [name, run] of Object.entries(kinds)) {
    for (let i = 0; i < 200; i++) await run(pool, i); // warm the JIT and the plan cache
    const c0 = process.cpuUsage();
    for (let i = 0; i < N; i++) await run(pool, i);
    const c = process.cpuUsage(c0);
    out[name] = (c.user + c.system) / N / 1000;
  }
  await pool.end();
  await server.stop();
  await db.close();
  return out;
}

const results: Record<"grouped" | "one", Record<string, number>[]> = { grouped: [], one: [] };
for (let r = 0; r < ROUNDS; r++)
  for (const setting of r % 2 ? (["grouped", "one"] as const) : (["one", "grouped"] as const)) {
    results[setting].push(await measure(setting === "grouped"));
    console.log(`[bench:pglite] round ${r + 1} ${setting}: ${JSON.stringify(results[setting].at(-1))}`);
  }

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const rows = Object.keys(kinds).map((name) => {
  const one = mean(results.one.map((x) => x[name]));
  const grouped = mean(results.grouped.map((x) => x[name]));
  return `| ${name} | ${one.toFixed(3)} ms | ${grouped.toFixed(3)} ms | ${(((grouped - one) / one) * 100).toFixed(0)} % |`;
});
writeBenchmarkSection(
  "Embedded database: CPU per statement",
  `Measured ${new Date().toISOString().slice(0, 10)} with \`npm run bench -- pglite\` (executor/bench/pglite-statement.ts) on ${cpus().length} cores, Node ${process.version}.
PGlite in memory behind @electric-sql/pglite-socket on this process's main thread, a \`pg\` pool of 4 on loopback, ${N} statements
of each kind one after another per round, ${ROUNDS} rounds per setting in alternating order, each on a fresh database; CPU is this
process (client and server) per statement, the mean of the rounds. 1-minute load at the start / end: ${loadBefore.toFixed(2)} / ${loadavg()[0].toFixed(2)}.

| statement | one message per PGlite call (the library) | Parse..Sync as one call (shipped) | change |
| --- | --- | --- | --- |
${rows.join("\n")}`,
);
process.exit(0);
