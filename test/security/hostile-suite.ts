import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ScoringPools } from "@/lib/scoring/pool";
import { probeSandbox, resetSandboxProbe, SANDBOX_UID, WORKER_UID_BASE } from "@/lib/scoring/sandbox";
import { workspaceCacheDir, workspaceWorkDir } from "@/lib/scoring/sandbox-dirs";
import { filesystemBackend } from "@/lib/storage/filesystem";
import type { FilesystemTarget } from "@/lib/storage/types";
import { deployment, tempDir, writeFiles } from "../scoring/helpers";

// A hostile tenant's scoring script, in Python and in Node, looks around the machine it runs on.
// Each attempt must be refused, and where the script crosses a limit the error says which one.
/**
 * The hostile-tenant suite, run once per way the process limit can hold: `mechanism` is what the
 * sandbox must report here (test/security/sandbox.test.ts and sandbox-root-no-cgroups.test.ts).
 */
export function hostileTenantSuite(mechanism: "cgroup" | "rlimit" | "worker-uid") {
  const tmp = tempDir("hostile");
  let pools: ScoringPools;

  const SECRET = "planted-secret-6f1d2c";
  const dataDir = path.join(tmp.dir, "data");
  const secretsFile = path.join(dataDir, "secrets.json");
  let otherTenantFile = "";

  function portOf(url: string): number {
    return Number(new URL(url).port);
  }

  /** The loopback ports of the server's own services (the test's embedded PostgreSQL, Azurite, executor). */
  function servicePorts(): Record<string, number> {
    const blob = /BlobEndpoint=([^;]+)/.exec(process.env.AZURE_STORAGE_CONNECTION_STRING ?? "")?.[1];
    return {
      database: portOf(process.env.DATABASE_URL!),
      azurite: blob ? portOf(blob) : 10000,
      executor: portOf(process.env.INNGEST_BASE_URL!),
    };
  }

  beforeAll(() => {
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(secretsFile, JSON.stringify({ BATCHPOINT_SECRET_KEY: SECRET }), { mode: 0o600 });
    process.env.BATCHPOINT_SECRET_KEY_FOR_TEST = SECRET; // in the server's environment, so /proc/<server>/environ holds it
    // Another workspace's cached deployment code.
    const other = path.join(workspaceCacheDir("ws_other_tenant"), "dep9-v1", "code");
    mkdirSync(other, { recursive: true });
    otherTenantFile = path.join(other, "score.py");
    writeFileSync(otherTenantFile, `# ${SECRET}\n`);
    pools = new ScoringPools({ idleTimeoutMs: 0, initFailureCooldownMs: 0 });
  });

  afterAll(async () => {
    delete process.env.BATCHPOINT_SECRET_KEY_FOR_TEST;
    await pools.shutdown();
    tmp.cleanup();
  });

  function targets() {
    return {
      secrets: secretsFile,
      cwdSecrets: path.resolve(".data", "secrets.json"),
      serverEnviron: `/proc/${process.pid}/environ`,
      otherTenant: otherTenantFile,
      otherTenantDir: path.dirname(path.dirname(otherTenantFile)),
      ports: servicePorts(),
    };
  }

  const PY_PROBE = `
import json, os, socket
T = json.loads(os.environ["TARGETS"])

def attempt(fn):
    try:
        return "ALLOWED " + str(fn())[:200]
    except Exception as e:
        return "refused " + type(e).__name__

def read(p):
    with open(p, "rb") as f:
        return f.read().decode("utf-8", "replace")

def connect(port):
    s = socket.create_connection(("127.0.0.1", port), timeout=2)
    s.close()
    return "connected"

def run(mini_batch):
    out = {
        "secrets": attempt(lambda: read(T["secrets"])),
        "cwdSecrets": attempt(lambda: read(T["cwdSecrets"])),
        "serverEnviron": attempt(lambda: read(T["serverEnviron"])),
        "otherTenant": attempt(lambda: read(T["otherTenant"])),
        "otherTenantDir": attempt(lambda: os.listdir(T["otherTenantDir"])),
        "pid1Environ": attempt(lambda: read("/proc/1/environ")),
        "processes": sorted(p for p in os.listdir("/proc") if p.isdigit()),
        "uid": os.getuid(),
        "root": sorted(os.listdir("/")),
    }
    for name, port in T["ports"].items():
        out["port_" + name] = attempt(lambda: connect(port))
    out["outside"] = attempt(lambda: socket.create_connection(("10.255.255.1", 80), timeout=2))
    return [json.dumps(out)]
`;

  const NODE_PROBE = `
import { readFileSync, readdirSync } from "node:fs";
import net from "node:net";
const T = JSON.parse(process.env.TARGETS);
const attempt = (fn) => { try { return "ALLOWED " + String(fn()).slice(0, 200); } catch (e) { return "refused " + (e.code ?? e.name); } };
const connect = (port) => new Promise((resolve) => {
  const s = net.connect({ host: "127.0.0.1", port, timeout: 2000 });
  s.on("connect", () => { s.destroy(); resolve("ALLOWED connected"); });
  s.on("error", (e) => resolve("refused " + e.code));
  s.on("timeout", () => { s.destroy(); resolve("refused timeout"); });
});
export async function run() {
  const out = {
    secrets: attempt(() => readFileSync(T.secrets, "utf8")),
    cwdSecrets: attempt(() => readFileSync(T.cwdSecrets, "utf8")),
    serverEnviron: attempt(() => readFileSync(T.serverEnviron, "utf8")),
    otherTenant: attempt(() => readFileSync(T.otherTenant, "utf8")),
    otherTenantDir: attempt(() => readdirSync(T.otherTenantDir)),
    pid1Environ: attempt(() => readFileSync("/proc/1/environ", "utf8")),
    processes: readdirSync("/proc").filter((p) => /^\\d+$/.test(p)).sort(),
    uid: process.getuid(),
  };
  for (const [name, port] of Object.entries(T.ports)) out["port_" + name] = await connect(port);
  return [out];
}
`;

  function expectNothingLeaked(seen: Record<string, unknown>) {
    for (const key of ["secrets", "cwdSecrets", "serverEnviron", "otherTenant", "otherTenantDir"]) {
      expect(seen[key], key).toMatch(/^refused /);
    }
    for (const key of Object.keys(seen).filter((k) => k.startsWith("port_"))) expect(seen[key], key).toMatch(/^refused /);
    // /proc/1 is the sandbox's own init: its environment is the worker's, never the server's.
    expect(String(seen.pid1Environ)).not.toContain(SECRET);
    expect(String(seen.pid1Environ)).not.toContain("DATABASE_URL");
    expect(String(seen.pid1Environ)).not.toContain(String(process.env.BATCHPOINT_SECRET_KEY));
    // A PID namespace of its own: the sandbox's init, the worker, and nothing of the host.
    expect((seen.processes as string[]).length).toBeLessThanOrEqual(3);
    expect(seen.processes).not.toContain(String(process.pid));
    // The sandbox's nobody inside a user namespace, or (root server without cgroups) a uid of the worker's own.
    if (mechanism === "worker-uid") expect(seen.uid).toBeGreaterThanOrEqual(WORKER_UID_BASE);
    else expect(seen.uid).toBe(SANDBOX_UID);
    expect(JSON.stringify(seen)).not.toContain(SECRET);
  }

  describe("the process limit", () => {
    it(`holds by ${mechanism} here`, () => {
      expect(probeSandbox()).toMatchObject({ available: true, processLimit: mechanism });
    });
  });

  describe("a hostile Python scoring script", () => {
    it("cannot read the server's secrets, its environment, another tenant's code, nor reach the server's ports", async () => {
      const code = writeFiles(path.join(tmp.dir, "py-probe"), { "score.py": PY_PROBE });
      const dep = deployment(code, { workspaceId: "ws_hostile", environmentVariables: { TARGETS: JSON.stringify(targets()) } });
      const r = await pools.run(dep, { input: { kind: "files", files: ["x"] } });
      if (!r.ok) throw new Error(`${r.error}\n${r.traceback}\n${r.logs}`);
      const seen = JSON.parse(r.body.trim());
      expectNothingLeaked(seen);
      expect(seen.outside).toMatch(/^refused /); // no network at all by default
      // Its file system is the interpreter's and its own mounts, nothing of the server's checkout or data.
      expect(seen.root).not.toContain("work");
      expect(seen.root).not.toContain("root");
      expect(seen.root).toContain("batchpoint");
    });

    it("cannot fork-bomb the machine: the fork is refused at the process limit", async () => {
      const code = writeFiles(path.join(tmp.dir, "py-forkbomb"), {
        "score.py": `
import os, time
def run(mini_batch):
    children = []
    for i in range(500):  # bounded: the limit below is far lower
        pid = os.fork()
        if pid == 0:
            time.sleep(3)
            os._exit(0)
        children.append(pid)
    return ["forked %d" % len(children)]
`,
      });
      const r = await pools.run(deployment(code, { sandbox: { processes: 24 } }), { input: { kind: "files", files: ["x"] } });
      expect(r.ok).toBe(false);
      expect(!r.ok && r.error).toBe("run() tried to run more than 24 processes and threads (the deployment's process limit).");
    });

    it("cannot allocate past its memory limit", async () => {
      const code = writeFiles(path.join(tmp.dir, "py-memory"), {
        "score.py": "def run(mini_batch):\n    hog = bytearray(400 * 1024 * 1024)\n    return [len(hog)]\n",
      });
      const r = await pools.run(deployment(code, { sandbox: { memoryMiB: 256 } }), { input: { kind: "files", files: ["x"] } });
      expect(!r.ok && r.error).toBe("run() used more than 256 MiB of memory (the deployment's memory limit).");
    });

    it("cannot write a file past the file size limit", async () => {
      const code = writeFiles(path.join(tmp.dir, "py-fsize"), {
        "score.py":
          "import os\ndef run(mini_batch):\n    with open(os.path.join(os.environ['BATCH_OUTPUT_DIR'], 'big.bin'), 'wb') as f:\n        f.write(b'x' * (3 * 1024 * 1024))\n    return ['written']\n",
      });
      const outputDir = path.join(tmp.dir, "fsize-out");
      const r = await pools.run(deployment(code, { sandbox: { fileSizeMiB: 1 } }), { input: { kind: "files", files: ["x"] }, outputDir });
      expect(!r.ok && r.error).toBe("run() wrote a file larger than 1 MiB (the deployment's file size limit).");
    });

    it("is stopped when run() uses more CPU time than its limit", async () => {
      const code = writeFiles(path.join(tmp.dir, "py-cpu"), { "score.py": "def run(mini_batch):\n    while True:\n        pass\n" });
      const r = await pools.run(deployment(code, { sandbox: { cpuSeconds: 1 }, timeoutSeconds: 60 }), {
        input: { kind: "files", files: ["x"] },
      });
      expect(!r.ok && r.error).toBe("run() used more than 1 s of CPU time; the worker was killed.");
    });

    it("keeps only regular files it writes to BATCH_OUTPUT_DIR: a symlink to a server file is not smuggled out", async () => {
      const code = writeFiles(path.join(tmp.dir, "py-outputs"), {
        "score.py": `
import os
def run(mini_batch):
    out = os.environ["BATCH_OUTPUT_DIR"]
    os.makedirs(os.path.join(out, "nested"), exist_ok=True)
    with open(os.path.join(out, "nested", "scores.txt"), "w") as f:
        f.write("ok\\n")
    os.symlink(os.environ["SECRETS_FILE"], os.path.join(out, "stolen.json"))
    return ["done"]
`,
      });
      const outputDir = path.join(tmp.dir, "outputs-out");
      const dep = deployment(code, { environmentVariables: { SECRETS_FILE: secretsFile } });
      const r = await pools.run(dep, { input: { kind: "files", files: ["x"] }, outputDir });
      if (!r.ok) throw new Error(`${r.error}\n${r.logs}`);
      expect(readFileSync(path.join(outputDir, "nested", "scores.txt"), "utf8")).toBe("ok\n");
      expect(existsSync(path.join(outputDir, "stolen.json"))).toBe(false);
      expect(r.logs).toContain("output 'stolen.json' was not kept: only regular files are (it is a symbolic link)");
      expect(readdirSync(outputDir)).toEqual(["nested"]);
      expect(lstatSync(path.join(outputDir, "nested", "scores.txt")).isFile()).toBe(true);
    });
  });

  describe("a hostile Python script and filesystem datastores", () => {
    it("reads its own workspace's files in place, read-only, and sees no other workspace's folder", async () => {
      const own: FilesystemTarget = { auth: "filesystem", workspaceId: "ws_hostile", folder: "fs-hostile" };
      const theirs: FilesystemTarget = { auth: "filesystem", workspaceId: "ws_other_tenant", folder: "fs-theirs" };
      await filesystemBackend.uploadBlob(own, "in/mine.txt", "mine");
      await filesystemBackend.uploadBlob(theirs, "in/theirs.txt", SECRET);
      const input = (await filesystemBackend.localFile(own, "in/mine.txt"))!;
      const theirsPath = (await filesystemBackend.localFile(theirs, "in/theirs.txt"))!;
      const code = writeFiles(path.join(tmp.dir, "py-fs-store"), {
        "score.py": `
import json, os
def attempt(fn):
    try:
        return "ALLOWED " + str(fn())[:200]
    except Exception as e:
        return "refused " + type(e).__name__
def write(p):
    with open(p, "w") as f:
        f.write("tampered")
def run(mini_batch):
    return [json.dumps({
        "path": mini_batch[0],
        "read": attempt(lambda: open(mini_batch[0]).read()),
        "write": attempt(lambda: write(mini_batch[0])),
        "plant": attempt(lambda: write(os.path.join(os.path.dirname(mini_batch[0]), "planted.txt"))),
        "mounted": sorted(os.listdir("/batchpoint/datastores")),
        "theirsHost": attempt(lambda: open(${JSON.stringify(theirsPath)}).read()),
        "theirsDots": attempt(lambda: os.listdir("/batchpoint/datastores/../../" + "fs-theirs")),
        "inputDir": os.environ.get("BATCH_INPUT_DIR"),
    })]
`,
      });
      const r = await pools.run(deployment(code, { workspaceId: "ws_hostile" }), {
        input: { kind: "files", files: [input] },
        inputDir: path.dirname(input),
      });
      if (!r.ok) throw new Error(`${r.error}\n${r.traceback}\n${r.logs}`);
      const seen = JSON.parse(r.body.trim());
      expect(seen.path).toBe("/batchpoint/datastores/fs-hostile/in/mine.txt");
      expect(seen.inputDir).toBe("/batchpoint/datastores/fs-hostile/in");
      expect(seen.read).toBe("ALLOWED mine"); // the sandbox's uid reads it in place, in every process-limit mode
      expect(seen.write).toMatch(/^refused /);
      expect(seen.plant).toMatch(/^refused /);
      expect(seen.mounted).toEqual(["fs-hostile"]);
      expect(seen.theirsHost).toMatch(/^refused /);
      expect(seen.theirsDots).toMatch(/^refused /);
      expect(JSON.stringify(seen)).not.toContain(SECRET);
      expect(await filesystemBackend.readBlobText(own, "in/mine.txt")).toBe("mine");
    });
  });

  describe("a hostile Node scoring module", () => {
    it("gets the same treatment: no secrets, no server environment, no other tenant, no server ports", async () => {
      const code = writeFiles(path.join(tmp.dir, "node-probe"), { "score.mjs": NODE_PROBE });
      const dep = deployment(code, {
        runtime: "node",
        interpreter: null,
        scoringScript: "score.mjs",
        environmentVariables: { TARGETS: JSON.stringify(targets()) },
      });
      const r = await pools.run(dep, { input: { kind: "files", files: ["x"] } });
      if (!r.ok) throw new Error(`${r.error}\n${r.traceback}\n${r.logs}`);
      expectNothingLeaked(JSON.parse(r.body.trim()));
    });

    it("cannot allocate past its memory limit", async () => {
      const code = writeFiles(path.join(tmp.dir, "node-memory"), {
        "score.mjs": "export function run() { const hog = Buffer.alloc(600 * 1024 * 1024, 1); return [hog.length]; }\n",
      });
      const dep = deployment(code, { runtime: "node", interpreter: null, scoringScript: "score.mjs", sandbox: { memoryMiB: 384 } });
      const r = await pools.run(dep, { input: { kind: "files", files: ["x"] } });
      expect(!r.ok && r.error).toBe("run() used more than 384 MiB of memory (the deployment's memory limit).");
    });

    it("cannot start processes past its process limit", async () => {
      const code = writeFiles(path.join(tmp.dir, "node-forkbomb"), {
        "score.mjs": `
import { spawn } from "node:child_process";
export async function run() {
  for (let i = 0; i < 300; i++) {
    await new Promise((resolve, reject) => {
      const c = spawn("/usr/bin/sleep", ["3"], { stdio: "ignore" });
      c.once("spawn", resolve);
      c.once("error", reject);
    });
  }
  return ["spawned"];
}
`,
      });
      const dep = deployment(code, { runtime: "node", interpreter: null, scoringScript: "score.mjs", sandbox: { processes: 40 } });
      const r = await pools.run(dep, { input: { kind: "files", files: ["x"] } });
      expect(!r.ok && r.error).toBe("run() tried to run more than 40 processes and threads (the deployment's process limit).");
    });
  });

  describe("where the sandbox cannot start", () => {
    it("refuses to run tenant code and says why", async () => {
      const saved = process.env.BATCHPOINT_BWRAP;
      process.env.BATCHPOINT_BWRAP = path.join(tmp.dir, "no-such-bwrap");
      resetSandboxProbe();
      const own = new ScoringPools({ idleTimeoutMs: 0, sandbox: "on" });
      try {
        const code = writeFiles(path.join(tmp.dir, "unsandboxed"), { "score.py": "def run(b):\n    return ['ran']\n" });
        const r = await own.run(deployment(code), { input: { kind: "files", files: ["x"] } });
        expect(r.ok).toBe(false);
        expect(!r.ok && r.phase).toBe("init");
        expect(!r.ok && r.deterministic).toBe(true);
        expect(!r.ok && r.error).toMatch(
          /^The scoring sandbox cannot start, so Batchpoint refuses to run scoring code: bubblewrap \(bwrap\) is not installed/,
        );
      } finally {
        if (saved === undefined) delete process.env.BATCHPOINT_BWRAP;
        else process.env.BATCHPOINT_BWRAP = saved;
        resetSandboxProbe();
        await own.shutdown();
      }
    });
  });

  describe("the scoring dirs", () => {
    it("are per workspace and readable by their owner only", () => {
      for (const dir of [workspaceCacheDir("ws_a"), workspaceWorkDir("ws_a")]) {
        expect(statSync(dir).mode & 0o777).toBe(0o700);
        expect(path.basename(dir)).toBe("ws_a");
      }
      expect(() => workspaceWorkDir("../ws_b")).toThrow("Invalid workspace id '../ws_b'.");
    });
  });
}
