// Batchpoint's Node scoring worker (the harness around a user's scoring module).
//
// Started by lib/scoring/worker.ts as:
//   node batch-worker.mjs <code_dir> <scoring_script> <logging_level>
// with fd 3 (requests, one JSON object per line) and fd 4 (responses, one JSON object per
// line) as its private channel to the server. stdout and stderr belong to the user's code: the
// server captures them per mini-batch. After each request the harness writes an end marker to
// both streams so the server knows where one mini-batch's logs end.
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import readline from "node:readline";
import { pathToFileURL } from "node:url";
import { parse } from "csv-parse/sync";

const TRACEBACK_LINES = 40;
const TRACEBACK_CHARS = 4000;
const MESSAGE_CHARS = 300;
const LEVELS = { debug: 10, info: 20, warning: 30, error: 40 };

const [codeDir, script, level] = process.argv.slice(2);
const threshold = LEVELS[level] ?? LEVELS.info;

// console.debug/info/warn/error are levelled; console.log and direct writes are always kept.
for (const [method, methodLevel] of [
  ["debug", 10],
  ["info", 20],
  ["warn", 30],
]) {
  if (methodLevel < threshold) console[method] = () => {};
}

const requests = new net.Socket({ fd: 3, readable: true, writable: false });
const responses = new net.Socket({ fd: 4, readable: false, writable: true });

function send(message) {
  return new Promise((resolve) => responses.write(JSON.stringify(message) + "\n", resolve));
}

function endOfLogs(marker) {
  const line = `\x1eBATCHPOINT-END ${marker}\x1e\n`;
  // Pipes are synchronous on Linux, so the marker follows everything the script wrote.
  try {
    fs.writeSync(1, line);
  } catch {}
  try {
    fs.writeSync(2, line);
  } catch {}
}

function oneLine(text) {
  const first =
    String(text ?? "")
      .trim()
      .split("\n")[0] ?? "";
  return first.length <= MESSAGE_CHARS ? first : first.slice(0, MESSAGE_CHARS - 3) + "...";
}

function describe(err, what) {
  const name = err instanceof Error ? err.name || err.constructor?.name || "Error" : typeof err;
  const message = oneLine(err instanceof Error ? err.message : String(err));
  return message ? `${what} raised ${name}: ${message}` : `${what} raised ${name}`;
}

function stackTail(err) {
  const text = err instanceof Error && err.stack ? err.stack : String(err);
  return text.split("\n").slice(-TRACEBACK_LINES).join("\n").slice(-TRACEBACK_CHARS);
}

class Failure extends Error {
  constructor(error, trace) {
    super(error);
    this.error = error;
    this.trace = trace;
  }
}

function setJobEnv(env) {
  for (const [key, value] of Object.entries(env ?? {})) {
    if (value === null || value === undefined) delete process.env[key];
    else process.env[key] = String(value);
  }
}

function elementText(value) {
  if (typeof value === "string") return value;
  if (value !== null && typeof value === "object") return JSON.stringify(value);
  return String(value);
}

function normalize(result) {
  if (!Array.isArray(result)) {
    const kind = result === null ? "null" : typeof result;
    throw new Failure(`run() returned ${kind}; expected an array with one element per input`);
  }
  const lines = result.map(elementText);
  return { format: "list", body: lines.map((l) => l + "\n").join(""), count: lines.length };
}

function readTabular(file, header) {
  const text = fs.readFileSync(file, "utf8");
  const columns = header ? parse(header)[0] : true;
  return parse(text, { columns, skip_empty_lines: true, relax_column_count: true });
}

function readJsonLines(file) {
  return fs
    .readFileSync(file, "utf8")
    .split("\n")
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l));
}

async function start(firstLine) {
  setJobEnv(JSON.parse(firstLine || "{}").env);
  let mod;
  try {
    mod = await import(pathToFileURL(path.resolve(codeDir, script)).href);
  } catch (err) {
    throw new Failure(describe(err, `Importing ${script}`), stackTail(err));
  }
  // A CommonJS module (module.exports = { init, run }) arrives as the default export.
  const api = typeof mod.run === "function" ? mod : (mod.default ?? {});
  if (typeof api.run !== "function") throw new Failure(`${script} does not export run(miniBatch)`);
  if (typeof api.init === "function") {
    try {
      await api.init();
    } catch (err) {
      throw new Failure(describe(err, "init()"), stackTail(err));
    }
  }
  return api.run;
}

async function score(run, request) {
  setJobEnv(request.env);
  const miniBatch =
    request.kind === "tabular"
      ? readTabular(request.file, request.header)
      : request.kind === "jsonl"
        ? readJsonLines(request.file)
        : [...request.files];
  const inputs = miniBatch.length;
  let result;
  try {
    result = await run(miniBatch);
  } catch (err) {
    throw new Failure(describe(err, "run()"), stackTail(err));
  }
  return { ...normalize(result), inputs };
}

async function main() {
  const lines = readline.createInterface({ input: requests, crlfDelay: Infinity })[Symbol.asyncIterator]();
  const first = await lines.next();
  let run;
  try {
    run = await start(first.done ? "" : first.value);
  } catch (err) {
    const failure = err instanceof Failure ? err : new Failure(describe(err, "Starting the worker"), stackTail(err));
    endOfLogs("init");
    await send({ type: "init_error", error: failure.error, traceback: failure.trace });
    process.exit(1);
  }
  endOfLogs("init");
  await send({ type: "ready", pid: process.pid });

  for (;;) {
    const next = await lines.next();
    if (next.done) break;
    if (!next.value.trim()) continue;
    const request = JSON.parse(next.value);
    const response = { type: "result", id: request.id };
    try {
      Object.assign(response, await score(run, request), { ok: true });
    } catch (err) {
      const failure = err instanceof Failure ? err : new Failure(oneLine(err?.message ?? err) || "Error", stackTail(err));
      Object.assign(response, { ok: false, error: failure.error, traceback: failure.trace });
    }
    endOfLogs(request.id);
    await send(response);
  }
  process.exit(0);
}

main();
