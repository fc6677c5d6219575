/**
 * Executor benchmark (loopback): runs/s for a one-step function, added latency per step
 * (median, p95), and a fan-out of 10,000 events sent from one step to 10,000 completed runs
 * (wall time, peak RSS). Writes the figures to BENCHMARKS.md under "## Executor".
 *
 *   npm run bench:executor [-- --database-url postgres://...] [--fanout 10000] [--runs 2000] [--no-write]
 *
 * Always measures embedded PGlite (in memory, the CI default) on a worker thread and on the main
 * thread; with --database-url also PostgreSQL (its `executor` schema is dropped first). The executor
 * and the SDK's serve() app run in this one Node process, as in the app's embedded mode.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { readFileSync, writeFileSync, existsSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { parseArgs } from "node:util";
import { Inngest } from "inngest";
import { serve } from "inngest/node";
import pg from "pg";
import { startEmbeddedPostgres } from "../src/embedded-postgres";
import { startExecutor } from "../src/index";

const { values } = parseArgs({
  options: {
    "database-url": { type: "string" },
    fanout: { type: "string", default: "10000" },
    runs: { type: "string", default: "2000" },
    "no-write": { type: "boolean", default: false },
    only: { type: "string" },
  },
});

const FANOUT = Number(values.fanout);
const RUNS = Number(values.runs);

interface Figures {
  label: string;
  runsPerSec: number;
  p50: number;
  p95: number;
  steps: number;
  fanoutSec: number;
  peakRss: number;
  load: [number, number];
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};

async function measure(
  label: string,
  db: { kind: "pglite"; worker: boolean } | { kind: "pg"; url: string; asyncCommit?: boolean },
): Promise<Figures> {
  const load0 = loadavg()[0];
  let peakRss = 0;
  const rssTimer = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50);
  const pglite = db.kind === "pglite" ? await startEmbeddedPostgres({ worker: db.worker }) : undefined;
  const databaseUrl = db.kind === "pg" ? db.url : pglite!.url;
  if (db.kind === "pg") {
    const c = new pg.Client({ connectionString: databaseUrl });
    await c.connect();
    await c.query("DROP SCHEMA IF EXISTS executor CASCADE");
    await c.end();
  }
  const ex = await startExecutor({ port: 0, databaseUrl, log: () => {}, asyncCommit: db.kind === "pg" && db.asyncCommit });
  const client0 = new pg.Client({ connectionString: databaseUrl });
  await client0.connect();

  const stepStarts = new Map<string, number[]>();
  const client = new Inngest({ id: "bench", baseUrl: ex.url, isDev: true, checkpointing: false });
  const fns = [
    client.createFunction({ id: "one-step", triggers: [{ event: "bench/one" }] }, async ({ step }) => step.run("only", () => 1)),
    client.createFunction({ id: "chain", triggers: [{ event: "bench/chain" }] }, async ({ event, step }) => {
      for (let i = 0; i < 20; i++) {
        await step.run(`s${i}`, () => {
          const k = event.data.k as string;
          const list = stepStarts.get(k) ?? [];
          list[i] = performance.now();
          stepStarts.set(k, list);
          return i;
        });
      }
    }),
    client.createFunction({ id: "fan", triggers: [{ event: "bench/fan" }] }, async ({ event, step }) => {
      const n = event.data.n as number;
      for (let off = 0, b = 0; off < n; off += 5000, b++) {
        const size = Math.min(5000, n - off);
        await step.sendEvent(
          `send-${b}`,
          Array.from({ length: size }, (_, i) => ({ name: "bench/fanned", data: { i: off + i } })),
        );
      }
    }),
    client.createFunction({ id: "fanned", triggers: [{ event: "bench/fanned" }] }, async ({ event, step }) =>
      step.run("work", () => (event.data.i as number) * 2),
    ),
  ];
  const server = createServer(serve({ client, functions: fns }));
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  await ex.syncApp(`http://127.0.0.1:${(server.address() as AddressInfo).port}/api/inngest`);

  const sendEvents = async (events: unknown[]) => {
    for (let i = 0; i < events.length; i += 5000) {
      const res = await fetch(`${ex.url}/e/bench`, { method: "POST", body: JSON.stringify(events.slice(i, i + 5000)) });
      if (res.status !== 200) throw new Error(`send failed: ${res.status} ${await res.text()}`);
    }
  };
  const completed = async (fn: string): Promise<number> => {
    const { rows } = await client0.query("SELECT count(*)::int AS n FROM executor.runs WHERE function_id = $1 AND status = 'Completed'", [
      fn,
    ]);
    return rows[0].n;
  };
  const waitCompleted = async (fn: string, n: number, timeoutMs: number) => {
    const end = Date.now() + timeoutMs;
    while ((await completed(fn)) < n) {
      if (Date.now() > end) throw new Error(`${fn}: only ${await completed(fn)}/${n} completed in ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };

  // warm-up
  await sendEvents(Array.from({ length: 50 }, () => ({ name: "bench/one", data: {} })));
  await waitCompleted("bench-one-step", 50, 60_000);

  // 1. throughput, one-step function
  let t0 = performance.now();
  await sendEvents(Array.from({ length: RUNS }, () => ({ name: "bench/one", data: {} })));
  await waitCompleted("bench-one-step", RUNS + 50, 300_000);
  const runsPerSec = RUNS / ((performance.now() - t0) / 1000);

  // 2. added latency per step: gaps between consecutive step starts of a 20-step chain, one run at a time
  const gaps: number[] = [];
  for (let r = 0; r < 25; r++) {
    const k = `c${r}`;
    await sendEvents([{ name: "bench/chain", data: { k } }]);
    await waitCompleted("bench-chain", r + 1, 60_000);
    const s = stepStarts.get(k)!;
    for (let i = 1; i < s.length; i++) gaps.push(s[i] - s[i - 1]);
  }

  // 3. fan-out
  peakRss = process.memoryUsage().rss;
  t0 = performance.now();
  await sendEvents([{ name: "bench/fan", data: { n: FANOUT } }]);
  await waitCompleted("bench-fanned", FANOUT, 600_000);
  const fanoutSec = (performance.now() - t0) / 1000;

  clearInterval(rssTimer);
  await client0.end();
  await ex.stop();
  server.close();
  server.closeAllConnections();
  await pglite?.stop();
  const f: Figures = {
    label,
    runsPerSec,
    p50: pct(gaps, 50),
    p95: pct(gaps, 95),
    steps: gaps.length,
    fanoutSec,
    peakRss,
    load: [load0, loadavg()[0]],
  };
  console.log(
    `${label}: ${runsPerSec.toFixed(0)} runs/s; per step p50 ${f.p50.toFixed(2)} ms, p95 ${f.p95.toFixed(2)} ms; ` +
      `fan-out ${FANOUT} in ${fanoutSec.toFixed(1)} s, peak RSS ${(peakRss / 2 ** 20).toFixed(0)} MiB; load ${load0.toFixed(2)} -> ${loadavg()[0].toFixed(2)}`,
  );
  return f;
}

const configs: [string, Parameters<typeof measure>[1]][] = [
  ["PGlite, worker thread", { kind: "pglite", worker: true }],
  ["PGlite, main thread", { kind: "pglite", worker: false }],
];
if (values["database-url"]) {
  const host = new URL(values["database-url"]).host;
  configs.push([`PostgreSQL (${host})`, { kind: "pg", url: values["database-url"] }]);
  configs.push([`PostgreSQL, asyncCommit`, { kind: "pg", url: values["database-url"], asyncCommit: true }]);
}
const results: Figures[] = [];
for (const [label, db] of configs) {
  if (values.only && !label.toLowerCase().includes(values.only.toLowerCase())) continue;
  results.push(await measure(label, db));
}

const cmd = `npm run bench:executor${process.argv.slice(2).length ? " -- " + process.argv.slice(2).join(" ") : ""}`;
const row = (name: string, f: (x: Figures) => string) => `| ${name} | ${results.map(f).join(" | ")} |`;
const section = `## Executor

Measured ${new Date().toISOString().slice(0, 10)} with \`${cmd}\` on ${cpus().length} cores (${cpus()[0]?.model.trim()}), Node ${process.version}.
The executor and the SDK's \`serve()\` app (\`inngest@4.24.0\`, \`checkpointing: false\`) run in one Node process on
loopback. PGlite is in memory behind pglite-socket, either on a worker thread of that process
(\`startEmbeddedPostgres({ worker: true })\`) or on its main thread (the default). This machine is shared:
other processes were running (1-minute load average before → after each column in the last row), so the
figures are lower bounds.

| figure | ${results.map((r) => r.label).join(" | ")} |
| --- | ${results.map(() => "---").join(" | ")} |
${row(`one-step function throughput (${RUNS} runs)`, (x) => `${x.runsPerSec.toFixed(0)} runs/s`)}
${row("added latency per step, median", (x) => `${x.p50.toFixed(2)} ms`)}
${row("added latency per step, p95", (x) => `${x.p95.toFixed(2)} ms`)}
${row(`fan-out: 1 step sends ${FANOUT.toLocaleString("en")} events (2 × \`step.sendEvent\`) → ${FANOUT.toLocaleString("en")} completed one-step runs, wall time`, (x) => `${x.fanoutSec.toFixed(1)} s`)}
${row("peak RSS of the whole process during the fan-out", (x) => `${(x.peakRss / 2 ** 20).toFixed(0)} MiB`)}
${row("machine load average before → after", (x) => `${x.load[0].toFixed(1)} → ${x.load[1].toFixed(1)}`)}

"Added latency per step" is the time between the starts of consecutive \`step.run\`s of a 20-step
function whose steps do nothing (${results[0]?.steps ?? 0} steps, one run at a time): the executor's
bookkeeping in Postgres, the HTTP round trip and the SDK replaying the memoized steps.
`;
if (!values["no-write"] && results.length) {
  const path = new URL("../../BENCHMARKS.md", import.meta.url);
  let text = existsSync(path) ? readFileSync(path, "utf8") : "# Benchmarks\n";
  const re = /## Executor\n[\s\S]*?(?=\n## |$)/;
  text = re.test(text) ? text.replace(re, section.trimEnd() + "\n") : text.trimEnd() + "\n\n" + section;
  writeFileSync(path, text);
  console.log("wrote BENCHMARKS.md");
}
process.exit(0);
