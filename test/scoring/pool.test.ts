import { readFileSync, statSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ScoringPools } from "@/lib/scoring/pool";
import { alive, deployment, processesWithArg, tempDir, writeFiles } from "./helpers";

// Pool behaviour with real Python worker processes: concurrency, FIFO, timeouts, crashes,
// init failures, the environment a script sees, cancel and shutdown. Workers run in the sandbox:
// a script cannot write to the test's temp dir, so worker processes are observed from the host
// (result.workerPid, the pool's stats, /proc), not through files the script writes.
let pools: ScoringPools;
const tmp = tempDir("pool");

beforeAll(() => {
  pools = new ScoringPools({ maxWorkersPerPool: 4, initFailureCooldownMs: 60_000 });
});

afterAll(async () => {
  await pools.shutdown();
  tmp.cleanup();
});

const SLEEPER = `
import os, time
def init():
    print("init done")
def run(mini_batch):
    start = time.time()
    for p in mini_batch:
        if p.startswith("sleep:"):
            print(f"sleeping {p}", flush=True)
            time.sleep(float(p.split(":")[1]))
        if p == "crash":
            os._exit(3)
    return [f"{start:.6f} {time.time():.6f} {os.getpid()} {p}" for p in mini_batch]
`;

function sleeper(label: string, over: Parameters<typeof deployment>[1] = {}) {
  const code = writeFiles(path.join(tmp.dir, label), { "score.py": SLEEPER });
  return { dep: deployment(code, over) };
}

/** Runs one quick mini-batch and returns the host pid of the worker that served it. */
async function workerPidOf(p: ScoringPools, dep: ReturnType<typeof deployment>): Promise<number> {
  const r = await p.run(dep, { input: { kind: "files", files: ["fine"] } });
  if (!r.ok) throw new Error(r.error);
  return r.workerPid;
}

function span(body: string): { start: number; end: number; pid: number } {
  const [start, end, pid] = body.split(" ");
  return { start: Number(start), end: Number(end), pid: Number(pid) };
}

describe("pool concurrency", () => {
  it("runs instance_count x max_concurrency_per_instance mini-batches at the same time on separate workers", async () => {
    const { dep } = sleeper("parallel", { instanceCount: 1, maxConcurrencyPerInstance: 2 });
    // Warm both workers first so the measurement is about run(), not start-up.
    await Promise.all([0, 1].map(() => pools.run(dep, { input: { kind: "files", files: ["sleep:0.3"] } })));
    const results = await Promise.all([0, 1].map(() => pools.run(dep, { input: { kind: "files", files: ["sleep:1"] } })));
    const spans = results.map((r) => {
      if (!r.ok) throw new Error(r.error);
      return span(r.body);
    });
    expect(results[0].ok && results[0].workerPid).not.toBe(results[1].ok && results[1].workerPid);
    const overlap = Math.min(spans[0].end, spans[1].end) - Math.max(spans[0].start, spans[1].start);
    // The workers' own clocks show both run()s at once; how long that took is a benchmark's business.
    expect(overlap).toBeGreaterThan(0.8);
    expect(pools.stats().find((s) => s.key === `${dep.id}:v1`)).toMatchObject({ size: 2, workers: 2, starting: 0, busy: 0, queued: 0 });
  });

  it("queues mini-batches first in, first out when every worker is busy", async () => {
    const { dep } = sleeper("fifo");
    const order: number[] = [];
    const runs = [0, 1, 2, 3].map((i) =>
      pools.run(dep, { input: { kind: "files", files: ["sleep:0.05", `item${i}`] } }).then((r) => {
        order.push(i);
        return r;
      }),
    );
    const results = await Promise.all(runs);
    expect(order).toEqual([0, 1, 2, 3]);
    const starts = results.map((r) => (r.ok ? span(r.body).start : NaN));
    expect([...starts].sort()).toEqual(starts);
    expect(results[3].ok && results[3].queuedMs).toBeGreaterThan(100);
  });

  it("routes each of many concurrent mini-batches its own results and its own logs", async () => {
    const code = writeFiles(path.join(tmp.dir, "many"), {
      "score.py":
        "import sys, time\ndef init():\n    pass\ndef run(b):\n    time.sleep(0.02)  # long enough for the second worker to start, even on a loaded machine\n    print('batch', b[0])\n    print('err', b[0], file=sys.stderr)\n    return [p.upper() for p in b]\n",
    });
    const dep = deployment(code, { instanceCount: 2 });
    const batches = Array.from({ length: 60 }, (_, i) => Array.from({ length: 10 }, (_, j) => `mb${i}-f${j}`));
    const results = await Promise.all(batches.map((files) => pools.run(dep, { input: { kind: "files", files } })));
    results.forEach((r, i) => {
      if (!r.ok) throw new Error(r.error);
      expect(r.body).toBe(batches[i].map((f) => f.toUpperCase() + "\n").join(""));
      expect(r.logs.split("\n").filter(Boolean).sort()).toEqual([`batch mb${i}-f0`, `err mb${i}-f0`]);
    });
    expect(new Set(results.map((r) => r.ok && r.workerPid)).size).toBe(2);
  });

  it("warms a deployment's workers ahead of its first mini-batch", async () => {
    const { dep } = sleeper("warm", { instanceCount: 2 });
    pools.warm(dep, { inputDir: "/jobs/9/in" });
    const key = `${dep.id}:v1`;
    await expect.poll(() => pools.stats().find((s) => s.key === key), { timeout: 5000 }).toMatchObject({ workers: 2, starting: 0 });
    const r = await pools.run(dep, { input: { kind: "files", files: ["x"] } });
    expect(r.ok && r.coldStart).toBe(false);
    expect(r.queuedMs).toBeLessThan(100);
    expect(pools.stats().find((s) => s.key === key)).toMatchObject({ workers: 2 });
  });

  it("caps the pool at the machine's limit whatever the deployment asks for", async () => {
    const capped = new ScoringPools({ maxWorkersPerPool: 1, idleTimeoutMs: 0 });
    try {
      const { dep } = sleeper("capped", { instanceCount: 3, maxConcurrencyPerInstance: 2 });
      const results = await Promise.all([0, 1, 2].map(() => capped.run(dep, { input: { kind: "files", files: ["sleep:0.1"] } })));
      expect(new Set(results.map((r) => r.ok && r.workerPid)).size).toBe(1);
      expect(results.filter((r) => r.logs.includes("init done"))).toHaveLength(1);
      expect(capped.stats()[0]).toMatchObject({ size: 1, workers: 1 });
    } finally {
      await capped.shutdown();
    }
  });
});

describe("timeouts and crashes", () => {
  it("kills a worker whose run() exceeds the timeout and serves the next mini-batch on a fresh one", async () => {
    const { dep } = sleeper("timeout", { timeoutSeconds: 1 });
    const firstPid = await workerPidOf(pools, dep);
    const t0 = Date.now();
    const slow = await pools.run(dep, { input: { kind: "files", files: ["sleep:30"] } });
    expect(Date.now() - t0).toBeLessThan(30_000); // killed, not waited for: run() would sleep 30 s
    expect(slow.ok).toBe(false);
    if (slow.ok) return;
    expect(slow.timedOut).toBe(true);
    expect(slow.error).toBe("run() did not finish within 1 s; the worker was killed.");
    expect(slow.logs).toContain("sleeping sleep:30");
    await expect.poll(() => alive(firstPid), { timeout: 2000 }).toBe(false);

    const next = await pools.run(dep, { input: { kind: "files", files: ["fine"] } });
    if (!next.ok) throw new Error(next.error);
    expect(next.workerPid).not.toBe(firstPid);
  });

  it("kills what the script started too: the worker's whole process tree", async () => {
    const marker = `60.${process.pid}${Date.now() % 100000}`; // a unique `sleep` argument to find it by on the host
    const code = writeFiles(path.join(tmp.dir, "grandchild"), {
      "score.py": `
import subprocess, time
def init():
    pass
def run(mini_batch):
    subprocess.Popen(["sleep", mini_batch[0]])
    print("started", flush=True)
    time.sleep(60)
    return []
`,
    });
    const pending = pools.run(deployment(code), { input: { kind: "files", files: [marker] }, timeoutMs: 6000 });
    await expect.poll(() => processesWithArg(marker).length, { timeout: 5000 }).toBe(1);
    const r = await pending;
    expect(!r.ok && r.timedOut).toBe(true);
    await expect.poll(() => processesWithArg(marker).length, { timeout: 2000 }).toBe(0);
  });

  it("uses the request's timeout override (a job's retry_settings.timeout)", async () => {
    const { dep } = sleeper("timeout-override", { timeoutSeconds: 30 });
    const r = await pools.run(dep, { input: { kind: "files", files: ["sleep:10"] }, timeoutMs: 500 });
    expect(!r.ok && r.timedOut && r.error).toBe("run() did not finish within 0.5 s; the worker was killed.");
  });

  it("reports a worker that dies during run() and replaces it", async () => {
    const { dep } = sleeper("crash");
    const crashed = await pools.run(dep, { input: { kind: "files", files: ["crash"] } });
    expect(!crashed.ok && crashed.error).toBe("The worker process ended (exit code 3) during run().");
    expect(!crashed.ok && crashed.timedOut).toBe(false);
    const next = await pools.run(dep, { input: { kind: "files", files: ["fine"] } });
    expect(next.ok).toBe(true);
  });

  it("kills the worker when the caller cancels a running mini-batch", async () => {
    const { dep } = sleeper("cancel");
    const pid = await workerPidOf(pools, dep);
    const controller = new AbortController();
    const pending = pools.run(dep, { input: { kind: "files", files: ["sleep:30"] }, signal: controller.signal });
    await expect.poll(() => pools.stats().find((s) => s.key === `${dep.id}:v1`)?.busy, { timeout: 5000 }).toBe(1);
    const t0 = Date.now();
    controller.abort();
    const r = await pending;
    expect(Date.now() - t0).toBeLessThan(30_000); // killed, not waited for: run() would sleep 30 s
    expect(!r.ok && r.canceled).toBe(true);
    await expect.poll(() => alive(pid), { timeout: 2000 }).toBe(false);
  });
});

describe("init() failures", () => {
  it("fails fast with the init error and traceback instead of restarting the script forever", async () => {
    const code = writeFiles(path.join(tmp.dir, "init-fail"), {
      "score.py": `
import os
def load_model():
    raise RuntimeError("model.pkl not found in " + os.environ.get("AZUREML_MODEL_DIR", "?"))
def init():
    print("loading the model")
    load_model()
def run(mini_batch):
    return mini_batch
`,
    });
    const dep = deployment(code, { instanceCount: 2, maxConcurrencyPerInstance: 1, modelDir: "/models/m1" });
    const results = await Promise.all([0, 1, 2].map(() => pools.run(dep, { input: { kind: "files", files: ["/a"] } })));
    for (const r of results) {
      expect(r.ok).toBe(false);
      if (r.ok) continue;
      expect(r.phase).toBe("init");
      expect(r.deterministic).toBe(true); // the jobs code fails the job at once instead of retrying
      expect(r.error).toBe("init() raised RuntimeError: model.pkl not found in /batchpoint/model");
      expect(r.traceback).toContain("line 4, in load_model");
      expect(r.logs).toContain("loading the model");
    }
    // Later requests fail with the same error and start no new process (workers stays 0 below).
    const again = await pools.run(dep, { input: { kind: "files", files: ["/b"] } });
    expect(!again.ok && again.error).toBe("init() raised RuntimeError: model.pkl not found in /batchpoint/model");
    expect(!again.ok && again.deterministic).toBe(true);
    expect(pools.stats().find((s) => s.key === `${dep.id}:v1`)?.workers).toBe(0);
  });

  it("reports a script that cannot be imported or has no run()", async () => {
    const code = writeFiles(path.join(tmp.dir, "import-fail"), {
      "broken.py": "import numpy\ndef init(:\n",
      "norun.py": "def init():\n    pass\n",
    });
    const broken = await pools.run(deployment(code, { scoringScript: "broken.py" }), { input: { kind: "files", files: [] } });
    expect(!broken.ok && broken.error).toMatch(/^Importing broken\.py raised SyntaxError: /);
    const norun = await pools.run(deployment(code, { scoringScript: "norun.py" }), { input: { kind: "files", files: [] } });
    expect(!norun.ok && norun.error).toBe("norun.py does not define run(mini_batch)");
  });

  it("reports a scoring script missing from the code", async () => {
    const code = writeFiles(path.join(tmp.dir, "wrong-name"), { "main.py": "def run(b):\n    return b\n" });
    const r = await pools.run(deployment(code, { scoringScript: "score.py" }), { input: { kind: "files", files: [] } });
    expect(!r.ok && r.phase === "init" && r.error).toBe("The scoring script 'score.py' is not in the deployment's code.");
  });

  it("reports an interpreter that does not exist", async () => {
    const code = writeFiles(path.join(tmp.dir, "no-python"), { "score.py": "def run(b):\n    return b\n" });
    const r = await pools.run(deployment(code, { interpreter: "python2.4" }), { input: { kind: "files", files: [] } });
    expect(!r.ok && r.phase).toBe("init");
    expect(!r.ok && r.error).toMatch(/^The Python interpreter 'python2\.4' was not found on the worker's PATH/);
  });

  it("reports init() that never returns as a timeout", async () => {
    const slow = new ScoringPools({ initTimeoutMs: 800, idleTimeoutMs: 0 });
    try {
      const code = writeFiles(path.join(tmp.dir, "init-hang"), {
        "score.py": "import time\ndef init():\n    time.sleep(60)\ndef run(b):\n    return b\n",
      });
      const r = await slow.run(deployment(code), { input: { kind: "files", files: [] } });
      expect(!r.ok && r.phase === "init" && r.error).toBe("init() did not finish within 1 s; the worker was killed.");
    } finally {
      await slow.shutdown();
    }
  });
});

describe("logs", () => {
  it("keeps the tail of a huge log and says how much was dropped", async () => {
    const small = new ScoringPools({ maxLogChars: 10_000, idleTimeoutMs: 0 });
    try {
      const code = writeFiles(path.join(tmp.dir, "chatty"), {
        "score.py":
          "import sys\ndef run(b):\n    for i in range(2000):\n        print(f'line {i:05d} ' + 'x' * 100)\n    sys.argv.append('ignored')\n    return b\n",
      });
      const r = await small.run(deployment(code), { input: { kind: "files", files: ["/a"] } });
      expect(r.ok).toBe(true);
      expect(r.logs).toMatch(/^\[\.\.\. \d+ characters of earlier output dropped \.\.\.\]\n/);
      expect(r.logs).toContain(`line 01999 ${"x".repeat(100)}\n`);
      expect(r.logs).not.toContain("line 00000");
      expect(r.logs.length).toBeLessThan(10_100);
    } finally {
      await small.shutdown();
    }
  });
});

describe("the environment a script sees", () => {
  const code = writeFiles(path.join(tmp.dir, "env"), {
    "score.py": `
import json, os, sys
seen_at_init = {}
def init():
    seen_at_init.update(os.environ)
def run(mini_batch):
    return [json.dumps({"init": sorted(seen_at_init), "run": dict(os.environ), "argv": sys.argv, "cwd": os.getcwd()})]
`,
  });

  it("holds only the allowed variables, never the platform's secrets, with per-job values set before run()", async () => {
    const secrets = {
      DATABASE_URL: "postgres://secret@db/prod",
      AZURE_STORAGE_CONNECTION_STRING: "AccountName=x;AccountKey=secret",
      BATCHPOINT_SECRET_KEY: "f".repeat(64),
      NEXTAUTH_SECRET: "n".repeat(40),
      INNGEST_SIGNING_KEY: "signkey-prod-secret",
      INNGEST_EVENT_KEY: "event-key-secret",
    };
    const saved = { ...process.env };
    Object.assign(process.env, secrets);
    try {
      const model = writeFiles(path.join(tmp.dir, "env-model"), { "model.json": "{}" });
      const dep = deployment(code, { modelDir: model, environmentVariables: { MY_SETTING: "42", BATCH_INPUT_DIR: "/ignored" } });
      const job1 = {
        inputDir: path.join(tmp.dir, "job1-in"),
        outputDir: path.join(tmp.dir, "job1-out"),
        payloadFile: path.join(tmp.dir, "job1-payload.json"),
      };
      const r1 = await pools.run(dep, { input: { kind: "files", files: ["/x"] }, ...job1 });
      if (!r1.ok) throw new Error(`${r1.error}\n${r1.traceback}`);
      const seen1 = JSON.parse(r1.body.trim());
      expect(Object.keys(seen1.run).sort()).toEqual(
        [
          "AZUREML_BI_OUTPUT_PATH",
          "AZUREML_MODEL_DIR",
          "BATCH_INPUT_DIR",
          "BATCH_MODEL_DIR",
          "BATCH_OUTPUT_DIR",
          "HOME",
          "JOBS_PAYLOAD_FILE",
          "LANG",
          "MY_SETTING",
          "PATH",
          "PYTHONUNBUFFERED",
        ].sort(),
      );
      // Paths as the sandbox sees them: fixed mount points, never the server's own layout.
      expect(seen1.run).toMatchObject({
        AZUREML_MODEL_DIR: "/batchpoint/model",
        BATCH_MODEL_DIR: "/batchpoint/model",
        BATCH_INPUT_DIR: "/batchpoint/batch/in/data",
        BATCH_OUTPUT_DIR: "/batchpoint/batch/out",
        AZUREML_BI_OUTPUT_PATH: "/batchpoint/batch/out",
        JOBS_PAYLOAD_FILE: "/batchpoint/batch/in/payload.json",
        MY_SETTING: "42",
        PYTHONUNBUFFERED: "1",
        HOME: "/home/batchpoint",
      });
      expect(seen1.argv).toEqual(["/batchpoint/code/score.py"]);
      expect(seen1.cwd).toBe("/batchpoint/code");
      expect(seen1.init).toContain("JOBS_PAYLOAD_FILE");
      const text = JSON.stringify(seen1);
      for (const value of Object.values(secrets)) expect(text).not.toContain(value);

      // The same warm worker serves the next job with that job's directories.
      const r2 = await pools.run(dep, { input: { kind: "files", files: ["/x"] }, inputDir: path.join(tmp.dir, "job2-in") });
      const seen2 = JSON.parse(r2.ok ? r2.body.trim() : "null");
      expect(seen2.run.BATCH_INPUT_DIR).toBe("/batchpoint/batch/in/data");
      expect(seen2.run.BATCH_OUTPUT_DIR).toBeUndefined();
      expect(seen2.run.AZUREML_BI_OUTPUT_PATH).toBeUndefined();
      expect(seen2.run.JOBS_PAYLOAD_FILE).toBeUndefined();
      expect(r2.ok && r2.coldStart).toBe(false);
    } finally {
      for (const k of Object.keys(secrets)) delete process.env[k];
      Object.assign(process.env, saved);
    }
  });
});

describe("shutdown", () => {
  it("stops every worker and fails what is still queued", async () => {
    const own = new ScoringPools({ idleTimeoutMs: 0 });
    const { dep } = sleeper("shutdown");
    const pid = await workerPidOf(own, dep);
    const running = own.run(dep, { input: { kind: "files", files: ["sleep:30"] } });
    const queued = own.run(dep, { input: { kind: "files", files: ["x"] } });
    await expect.poll(() => own.stats()[0]?.busy, { timeout: 5000 }).toBe(1);
    await new Promise((r) => setTimeout(r, 300)); // let run() start and print
    await own.shutdown();
    const [r1, r2] = await Promise.all([running, queued]);
    expect(!r1.ok && r1.error).toBe("The scoring pool was shut down while run() was running.");
    expect(!r1.ok && r1.logs).toContain("sleeping sleep:30");
    expect(!r2.ok && r2.error).toBe("The scoring pool was shut down.");
    await expect.poll(() => alive(pid), { timeout: 2000 }).toBe(false);
  });

  it("reaps pools that stayed idle", async () => {
    const own = new ScoringPools({ idleTimeoutMs: 300 });
    try {
      const { dep } = sleeper("idle");
      const pid = await workerPidOf(own, dep);
      expect(own.stats()).toHaveLength(1);
      await expect.poll(() => own.stats().length, { timeout: 3000 }).toBe(0);
      await expect.poll(() => alive(pid), { timeout: 3000 }).toBe(false);
    } finally {
      await own.shutdown();
    }
  });
});

describe("the sandbox's exchange dir", () => {
  it("hard-links a mini-batch's files in (no copy), keeps their folders, and hands back what run() wrote", async () => {
    const code = writeFiles(path.join(tmp.dir, "exchange"), {
      "score.py": `
import json, os
def run(mini_batch):
    out = os.environ["BATCH_OUTPUT_DIR"]
    with open(os.path.join(out, "seen.json"), "w") as f:
        json.dump([os.path.relpath(p, os.environ["BATCH_INPUT_DIR"]) for p in mini_batch], f)
    return [json.dumps({"path": p, "ino": os.stat(p).st_ino, "links": os.stat(p).st_nlink, "writable": os.access(p, os.W_OK)}) for p in mini_batch]
`,
    });
    const inputDir = path.join(tmp.dir, "exchange-job", "inputs");
    writeFiles(inputDir, { "a.txt": "a", "sub/b.txt": "b" });
    const outputDir = path.join(tmp.dir, "exchange-job", "outputs");
    const files = [path.join(inputDir, "a.txt"), path.join(inputDir, "sub", "b.txt")];
    const r = await pools.run(deployment(code), { input: { kind: "files", files }, inputDir, outputDir });
    if (!r.ok) throw new Error(`${r.error}\n${r.traceback}`);
    const seen = r.body
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(seen.map((s) => s.path)).toEqual(["/batchpoint/batch/in/data/a.txt", "/batchpoint/batch/in/data/sub/b.txt"]);
    files.forEach((f, i) => expect(seen[i].ino).toBe(statSync(f).ino)); // the same file, not a copy
    expect(seen.every((s) => s.links === 2 && s.writable === false)).toBe(true);
    expect(JSON.parse(readFileSync(path.join(outputDir, "seen.json"), "utf8"))).toEqual(["a.txt", "sub/b.txt"]);
    expect(statSync(files[0]).nlink).toBe(1); // unlinked from the exchange dir after the mini-batch
  });
});
