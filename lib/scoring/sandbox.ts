import "server-only";
import { spawnSync } from "node:child_process";
import {
  accessSync,
  constants,
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  realpathSync,
  rmdirSync,
  writeFileSync,
} from "node:fs";
import path from "node:path";
import { DEFAULT_SANDBOX_SETTINGS, sandboxSettingsSchema } from "./sandbox-settings";

/**
 * The scoring sandbox: every worker runs under bubblewrap (`bwrap`) in its own user, mount, PID,
 * IPC, UTS and network namespaces, as an unprivileged uid, with only the interpreter, the
 * deployment's code, model and environment, and its exchange directory mounted, and with kernel
 * limits on memory, processes, open files and file size (CPU time is measured per run() by the
 * worker). See docs/security.md.
 */

/** Where things are inside the sandbox (fixed paths, so a script never learns the server's layout). */
export const SANDBOX_PATHS = {
  code: "/batchpoint/code",
  model: "/batchpoint/model",
  runtimes: "/batchpoint/runtimes",
  nodeModules: "/batchpoint/node_modules",
  input: "/batchpoint/batch/in",
  output: "/batchpoint/batch/out",
  /** The workspace's filesystem datastores, read-only: a mini-batch's files are read here in place. */
  datastores: "/batchpoint/datastores",
  home: "/home/batchpoint",
} as const;

/** The uid and gid a script runs as inside the sandbox (nobody). */
export const SANDBOX_UID = 65534;

export interface SandboxLimits {
  /** Data segment + private writable memory per process (RLIMIT_DATA). */
  memoryBytes: number;
  /** Processes and threads of one worker (pids cgroup, else RLIMIT_NPROC). */
  processes: number;
  /** Open file descriptors per process (RLIMIT_NOFILE). */
  openFiles: number;
  /** Largest file a script may write (RLIMIT_FSIZE). */
  fileSizeBytes: number;
  /** CPU seconds one run() may use, all its processes and threads together. */
  cpuSeconds: number;
}

/** What a deployment may set (Azure has no counterpart; these are Batchpoint's own settings). */
export interface SandboxSettings {
  /** Allow outbound network (default false: the worker has only a loopback of its own). */
  allowNetwork?: boolean;
  memoryMiB?: number;
  processes?: number;
  openFiles?: number;
  fileSizeMiB?: number;
  cpuSeconds?: number;
}

export { sandboxSettingsSchema };

/** The stored setting (a Json column) as SandboxSettings; anything malformed counts as the defaults. */
export function sandboxSettingsOf(json: unknown): SandboxSettings {
  const parsed = sandboxSettingsSchema.safeParse(json ?? {});
  return parsed.success ? parsed.data : {};
}

const MiB = 1024 * 1024;

export const DEFAULT_LIMITS: SandboxLimits = {
  memoryBytes: DEFAULT_SANDBOX_SETTINGS.memoryMiB * MiB,
  processes: DEFAULT_SANDBOX_SETTINGS.processes,
  openFiles: DEFAULT_SANDBOX_SETTINGS.openFiles,
  fileSizeBytes: DEFAULT_SANDBOX_SETTINGS.fileSizeMiB * MiB,
  cpuSeconds: DEFAULT_SANDBOX_SETTINGS.cpuSeconds,
};

/** A deployment's limits: its own settings over the defaults, each checked to be a positive integer. */
export function sandboxLimits(settings: SandboxSettings = {}): SandboxLimits {
  const pick = (name: keyof SandboxSettings, value: unknown, fallback: number, scale = 1) => {
    if (value === undefined || value === null) return fallback;
    if (typeof value !== "number" || !Number.isInteger(value) || value <= 0)
      throw new Error(`sandbox.${name} must be a positive whole number, not ${JSON.stringify(value)}.`);
    return value * scale;
  };
  return {
    memoryBytes: pick("memoryMiB", settings.memoryMiB, DEFAULT_LIMITS.memoryBytes, MiB),
    processes: pick("processes", settings.processes, DEFAULT_LIMITS.processes),
    openFiles: pick("openFiles", settings.openFiles, DEFAULT_LIMITS.openFiles),
    fileSizeBytes: pick("fileSizeMiB", settings.fileSizeMiB, DEFAULT_LIMITS.fileSizeBytes, MiB),
    cpuSeconds: pick("cpuSeconds", settings.cpuSeconds, DEFAULT_LIMITS.cpuSeconds),
  };
}

/** "2 GiB", "512 MiB", "10 KiB": for error messages. */
export function formatBytes(n: number): string {
  for (const [unit, size] of [
    ["GiB", 1024 * MiB],
    ["MiB", MiB],
    ["KiB", 1024],
  ] as const) {
    if (n >= size) {
      const v = n / size;
      return `${Number.isInteger(v) ? v : v.toFixed(1)} ${unit}`;
    }
  }
  return `${n} bytes`;
}

/** BATCHPOINT_SANDBOX: `on` (default) or `off` (single-tenant servers only: scripts run as the server). */
export function sandboxMode(env: Record<string, string | undefined> = process.env): "on" | "off" {
  const raw = (env.BATCHPOINT_SANDBOX ?? "").trim().toLowerCase();
  if (raw === "" || raw === "on" || raw === "1" || raw === "true") return "on";
  if (raw === "off" || raw === "0" || raw === "false") return "off";
  throw new Error(`BATCHPOINT_SANDBOX must be 'on' or 'off', not '${env.BATCHPOINT_SANDBOX}'.`);
}

export interface SandboxStatus {
  available: boolean;
  /** Why the sandbox cannot start, in plain words with the fix. */
  reason?: string;
  bwrap?: string;
  /**
   * How the process limit is enforced: a pids cgroup per worker; RLIMIT_NPROC of the server's own
   * (non-root) uid; or, for a root server without writable cgroups, RLIMIT_NPROC of a uid of the
   * worker's own (root is exempt from RLIMIT_NPROC, and a user namespace bwrap creates as root maps
   * the sandbox's uid to root).
   */
  processLimit?: ProcessLimitMechanism;
}

export type ProcessLimitMechanism = "cgroup" | "rlimit" | "worker-uid";

/** Where the per-worker uids of a root server start (far above any real account); BATCHPOINT_SANDBOX_UID_BASE overrides it. */
export const WORKER_UID_BASE = 1_900_000_000;
const WORKER_UIDS = 1_000_000;
let nextWorkerUid = 0;
const workerUidsInUse = new Set<number>();

/**
 * A uid no other live worker of this server uses, for a root server without cgroups: the server's
 * pid picks a block of 1,000, so two servers on one machine rarely share one. Release it with
 * releaseWorkerUid once the worker is gone.
 */
export function allocateWorkerUid(env: Record<string, string | undefined> = process.env): number {
  const raw = env.BATCHPOINT_SANDBOX_UID_BASE?.trim();
  const base = raw ? Number(raw) : WORKER_UID_BASE;
  if (!Number.isInteger(base) || base < 1000 || base > 2 ** 32 - 2 - WORKER_UIDS)
    throw new Error(
      `BATCHPOINT_SANDBOX_UID_BASE must be a whole number from 1000 to ${2 ** 32 - 2 - WORKER_UIDS}, not '${raw}': the first of the uids scoring workers run as.`,
    );
  for (let tries = 0; tries < 1000; tries++) {
    const uid = base + (((process.pid % 1000) * 1000 + (nextWorkerUid++ % 1000)) % WORKER_UIDS);
    if (workerUidsInUse.has(uid)) continue;
    workerUidsInUse.add(uid);
    return uid;
  }
  throw new Error("No free sandbox uid: more than 1,000 scoring workers are alive in this server.");
}

export function releaseWorkerUid(uid: number): void {
  workerUidsInUse.delete(uid);
}

function processLimitMechanism(): ProcessLimitMechanism {
  if (pidsCgroupRoot()) return "cgroup";
  if (process.getuid?.() === 0 && executable("/usr/bin/setpriv")) return "worker-uid";
  return "rlimit";
}

function executable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function findBwrap(): string | null {
  const fromEnv = process.env.BATCHPOINT_BWRAP;
  if (fromEnv) return executable(fromEnv) ? fromEnv : null;
  for (const dir of ["/usr/bin", "/usr/local/bin", "/bin", ...(process.env.PATH ?? "").split(":")]) {
    if (dir && executable(path.join(dir, "bwrap"))) return path.join(dir, "bwrap");
  }
  return null;
}

let cachedStatus: SandboxStatus | undefined;

/** Tries the sandbox once per process: bwrap present, and namespaces it needs allowed. */
export function probeSandbox(): SandboxStatus {
  if (cachedStatus) return cachedStatus;
  const bwrap = findBwrap();
  if (!bwrap) {
    cachedStatus = {
      available: false,
      reason: "bubblewrap (bwrap) is not installed: apt-get install bubblewrap (or set BATCHPOINT_BWRAP to its path)",
    };
    return cachedStatus;
  }
  const probe = spawnSync(
    bwrap,
    [
      ...systemBinds(false),
      "--unshare-all",
      "--die-with-parent",
      "--uid",
      String(SANDBOX_UID),
      "--gid",
      String(SANDBOX_UID),
      "--proc",
      "/proc",
      "--dev",
      "/dev",
      "/bin/true",
    ],
    {
      encoding: "utf8",
      timeout: 20_000,
      env: { PATH: "/usr/bin:/bin" } as unknown as NodeJS.ProcessEnv,
    },
  );
  if (probe.status !== 0) {
    const why = (probe.stderr || probe.error?.message || `exit ${probe.status}`).trim().split("\n")[0];
    cachedStatus = {
      available: false,
      bwrap,
      reason: `bubblewrap cannot create its namespaces here (${why}): allow unprivileged user namespaces (sysctl kernel.unprivileged_userns_clone=1, user.max_user_namespaces > 0) or run outside a container that forbids them`,
    };
    return cachedStatus;
  }
  cachedStatus = { available: true, bwrap, processLimit: processLimitMechanism() };
  return cachedStatus;
}

/** For tests: forget the probe's result. */
export function resetSandboxProbe(): void {
  cachedStatus = undefined;
}

/**
 * Checked at server start and before a pool spawns a worker: with the sandbox on but unavailable
 * this throws why (tenant code must not run unsandboxed); with BATCHPOINT_SANDBOX=off it returns
 * a loud warning the caller logs.
 */
export function assertSandboxUsable(env: Record<string, string | undefined> = process.env): {
  sandboxed: boolean;
  warning?: string;
  processLimit?: ProcessLimitMechanism;
} {
  if (sandboxMode(env) === "off") {
    return {
      sandboxed: false,
      warning:
        "WARNING: BATCHPOINT_SANDBOX=off: scoring scripts run as the server's own user, with its files, network and database within reach. Use this only on a single-tenant server where every contributor is trusted.",
    };
  }
  const status = probeSandbox();
  if (!status.available) throw new SandboxUnavailableError(status.reason!);
  return { sandboxed: true, processLimit: status.processLimit };
}

export class SandboxUnavailableError extends Error {
  constructor(reason: string) {
    super(
      `The scoring sandbox cannot start, so Batchpoint refuses to run scoring code: ${reason}. On a single-tenant server you may set BATCHPOINT_SANDBOX=off instead.`,
    );
    this.name = "SandboxUnavailableError";
  }
}

/** /usr, the /bin /lib* /sbin links or dirs, and the few files of /etc an interpreter needs. */
export function systemBinds(network: boolean): string[] {
  const args = ["--ro-bind", "/usr", "/usr"];
  for (const top of ["/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"]) {
    let st;
    try {
      st = lstatSync(top);
    } catch {
      continue;
    }
    if (st.isSymbolicLink()) args.push("--symlink", readlinkSync(top), top);
    else if (st.isDirectory()) args.push("--ro-bind", top, top);
  }
  // Not /etc as a whole: shadow files, TLS private keys and the host's configuration stay out.
  const etc = [
    "ld.so.cache",
    "ld.so.conf",
    "ld.so.conf.d",
    "alternatives",
    "passwd",
    "group",
    "nsswitch.conf",
    "localtime",
    "mime.types",
    "python3",
    "python3.11",
    "python3.12",
    "matplotlibrc",
    "fonts",
    "debian_version",
    "os-release",
  ];
  if (network) etc.push("resolv.conf", "hosts", "host.conf", "gai.conf", "ssl/certs", "ca-certificates", "ca-certificates.conf", "pki");
  for (const name of etc) args.push("--ro-bind-try", `/etc/${name}`, `/etc/${name}`);
  return args;
}

export interface SandboxSpawn {
  interpreter: string;
  /** The harness, the code dir, the script, ... as the sandbox sees them. */
  argv: string[];
  codeDir: string;
  modelDir?: string | null;
  runtimesDir: string;
  /** The worker's exchange directory: `in` is mounted read-only, `out` read-write. */
  exchangeDir: string;
  /** A virtual environment to mount read-only at its own path (its scripts hold absolute paths). */
  venvDir?: string | null;
  /** The deployment's workspace's filesystem datastores (lib/storage/filesystem.ts), mounted read-only. */
  datastoresDir?: string | null;
  network: boolean;
  limits: SandboxLimits;
  /** When the process limit is a cgroup: its cgroup.procs file, joined before bwrap starts. */
  cgroupProcs?: string | null;
  /** When the process limit is a uid of the worker's own (see allocateWorkerUid): that uid. */
  workerUid?: number | null;
}

const MOUNT_OPS = new Set(["--bind", "--ro-bind", "--ro-bind-try", "--tmpfs", "--dir", "--symlink"]);

/**
 * bwrap running as root creates the missing parents of a mount point with mode 0700, which a
 * worker uid cannot enter: each parent is made first, 0755 (it holds only mount points), right
 * before the mount that needs it (a tmpfs mounted earlier, e.g. /tmp, would hide it otherwise).
 */
function withTraversableParents(args: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    if (MOUNT_OPS.has(args[i])) {
      const dest = args[i] === "--tmpfs" || args[i] === "--dir" ? args[i + 1] : args[i + 2];
      const parents: string[] = [];
      for (let p = path.posix.dirname(dest); p !== "/" && !p.startsWith("/usr"); p = path.posix.dirname(p)) parents.unshift(p);
      // A --perms right before this op belongs to it; the parents go before that.
      const perms = out.length >= 2 && out[out.length - 2] === "--perms" ? out.splice(out.length - 2, 2) : [];
      for (const p of parents) out.push("--perms", "0755", "--dir", p);
      out.push(...perms);
    }
    out.push(args[i]);
  }
  return out;
}

/** The directory an interpreter outside /usr lives in (e.g. /opt/python3.12), to mount read-only. */
export function interpreterPrefix(interpreter: string): string | null {
  let real = interpreter;
  try {
    real = realpathSync(interpreter);
  } catch {
    return null;
  }
  if (real.startsWith("/usr/") || real.startsWith("/bin/") || real.startsWith("/lib")) return null;
  return path.dirname(path.dirname(real)); // <prefix>/bin/python3 -> <prefix>
}

/** The command and arguments that start one worker inside the sandbox. */
export function sandboxCommand(spec: SandboxSpawn): { command: string; args: string[] } {
  const status = probeSandbox();
  if (!status.available) throw new SandboxUnavailableError(status.reason!);
  const l = spec.limits;
  const uid = spec.workerUid ?? null;
  // With a worker uid, bwrap (running as root) makes no user namespace: the script runs as that real,
  // unprivileged uid, so RLIMIT_NPROC binds it. Otherwise the sandbox's uid 65534 lives in a user
  // namespace of its own. Either way the script holds no capability.
  const namespaces =
    uid === null
      ? ["--unshare-all", ...(spec.network ? ["--share-net"] : []), "--uid", String(SANDBOX_UID), "--gid", String(SANDBOX_UID)]
      : ["--unshare-pid", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try", ...(spec.network ? [] : ["--unshare-net"])];
  // Private tmpfs mounts are the sandbox's own; made by root (worker uid), they must be writable by the script's uid.
  const tmpfs = (dir: string) => (uid === null ? ["--tmpfs", dir] : ["--perms", "1777", "--tmpfs", dir]);
  const args = [
    ...systemBinds(spec.network),
    ...namespaces,
    "--die-with-parent",
    "--new-session",
    "--hostname",
    "batchpoint",
    "--proc",
    "/proc",
    "--dev",
    "/dev",
    ...tmpfs("/dev/shm"),
    ...tmpfs("/tmp"),
    ...tmpfs(SANDBOX_PATHS.home),
    "--ro-bind",
    spec.runtimesDir,
    SANDBOX_PATHS.runtimes,
  ];
  const prefix = interpreterPrefix(spec.interpreter);
  if (prefix) args.push("--ro-bind", prefix, prefix);
  if (spec.venvDir) args.push("--ro-bind", spec.venvDir, spec.venvDir);
  // The Node harness parses CSV with the server's csv-parse: only that package is mounted.
  const csvParse = path.join(process.cwd(), "node_modules", "csv-parse");
  if (existsSync(csvParse)) args.push("--ro-bind", csvParse, `${SANDBOX_PATHS.nodeModules}/csv-parse`);
  args.push("--ro-bind", spec.codeDir, SANDBOX_PATHS.code);
  if (spec.modelDir && existsSync(spec.modelDir)) args.push("--ro-bind", spec.modelDir, SANDBOX_PATHS.model);
  else args.push("--dir", SANDBOX_PATHS.model);
  if (spec.datastoresDir) args.push("--ro-bind", spec.datastoresDir, SANDBOX_PATHS.datastores);
  args.push("--ro-bind", path.join(spec.exchangeDir, "in"), SANDBOX_PATHS.input);
  args.push("--bind", path.join(spec.exchangeDir, "out"), SANDBOX_PATHS.output);
  args.push("--chdir", SANDBOX_PATHS.code);
  if (uid !== null) {
    args.splice(0, args.length, ...withTraversableParents(args));
    args.push("--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID");
  }
  args.push("--");
  args.push(
    "/usr/bin/env",
    "-u",
    "PWD", // bwrap sets PWD for --chdir; the worker's environment is exactly buildWorkerEnv's
    ...(uid === null
      ? []
      : [
          "/usr/bin/setpriv",
          `--reuid=${uid}`,
          `--regid=${uid}`,
          "--clear-groups",
          "--inh-caps=-all",
          "--bounding-set=-all",
          "--no-new-privs",
          "--",
        ]),
    "/usr/bin/prlimit",
    `--data=${l.memoryBytes}`,
    `--nofile=${l.openFiles}`,
    `--fsize=${l.fileSizeBytes}`,
    `--nproc=${l.processes}`,
    "--core=0",
    "--",
    spec.interpreter,
    ...spec.argv,
  );
  if (spec.cgroupProcs) {
    // Join the worker's pids cgroup first, so bwrap and everything under it count against it.
    return { command: "/bin/sh", args: ["-c", 'echo $$ > "$0" && exec "$@"', spec.cgroupProcs, status.bwrap!, ...args] };
  }
  return { command: status.bwrap!, args };
}

// ---- A pids cgroup per worker: RLIMIT_NPROC does not bind a sandbox whose uid maps to root.

let pidsRoot: string | null | undefined;

/** A writable pids cgroup directory of this server process (v1 or v2), or null. */
function pidsCgroupRoot(): string | null {
  if (pidsRoot !== undefined) return pidsRoot;
  pidsRoot = null;
  if (process.env.BATCHPOINT_SANDBOX_CGROUPS === "0") return pidsRoot;
  try {
    const lines = readFileSync("/proc/self/cgroup", "utf8").trim().split("\n");
    const candidates: string[] = [];
    for (const line of lines) {
      const [, controllers, rel] = line.match(/^\d+:([^:]*):(.*)$/) ?? [];
      if (controllers === undefined) continue;
      if (controllers.split(",").includes("pids"))
        candidates.push(path.join("/sys/fs/cgroup", controllers, rel), path.join("/sys/fs/cgroup/pids", rel));
      if (
        controllers === "" &&
        existsSync("/sys/fs/cgroup/cgroup.controllers") &&
        readFileSync("/sys/fs/cgroup/cgroup.controllers", "utf8").includes("pids")
      )
        candidates.push(path.join("/sys/fs/cgroup", rel));
    }
    for (const dir of candidates) {
      if (!existsSync(path.join(dir, "cgroup.procs"))) continue;
      removeStaleCgroups(dir);
      const mine = path.join(dir, `batchpoint-${process.pid}`);
      try {
        mkdirSync(mine, { recursive: true });
        if (!existsSync(path.join(mine, "pids.max"))) {
          rmdirSync(mine);
          continue;
        }
        pidsRoot = mine;
        process.once("exit", () => {
          for (const child of safeReaddir(mine)) if (child.startsWith("w")) tryRmdir(path.join(mine, child));
          tryRmdir(mine);
        });
        break;
      } catch {
        // not writable here
      }
    }
  } catch {
    // no cgroups
  }
  return pidsRoot;
}

/** Cgroups left by a server that was killed outright (its pid is gone): their workers died with it. */
function removeStaleCgroups(dir: string): void {
  for (const name of safeReaddir(dir)) {
    const pid = Number(/^batchpoint-(\d+)$/.exec(name)?.[1]);
    if (!pid || pid === process.pid || existsSync(`/proc/${pid}`)) continue;
    const stale = path.join(dir, name);
    for (const child of safeReaddir(stale)) if (child.startsWith("w")) tryRmdir(path.join(stale, child));
    tryRmdir(stale);
  }
}

function safeReaddir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

function tryRmdir(dir: string): void {
  try {
    rmdirSync(dir);
  } catch {
    // still has processes: removed by the next start or by the system
  }
}

let nextCgroup = 1;

/** One worker's pids cgroup: `procs` to join, `hits()` how often a fork was refused, `remove()`. */
export interface PidsCgroup {
  procs: string;
  hits(): number;
  remove(): void;
}

export function createPidsCgroup(max: number): PidsCgroup | null {
  const root = pidsCgroupRoot();
  if (!root) return null;
  const dir = path.join(root, `w${nextCgroup++}`);
  try {
    mkdirSync(dir);
    writeFileSync(path.join(dir, "pids.max"), String(max));
  } catch {
    return null;
  }
  return {
    procs: path.join(dir, "cgroup.procs"),
    hits: () => {
      try {
        const m = readFileSync(path.join(dir, "pids.events"), "utf8").match(/max (\d+)/);
        return m ? Number(m[1]) : 0;
      } catch {
        return 0;
      }
    },
    remove: () => tryRmdir(dir),
  };
}

// ---- CPU time of a worker's whole process tree, read from the host's /proc.

const TICKS = 100; // USER_HZ on Linux

function children(pid: number): number[] {
  const out: number[] = [];
  for (const tid of safeReaddir(`/proc/${pid}/task`)) {
    try {
      for (const c of readFileSync(`/proc/${pid}/task/${tid}/children`, "utf8").trim().split(/\s+/)) if (c) out.push(Number(c));
    } catch {
      // gone
    }
  }
  return out;
}

/** CPU seconds used by `pid` and its descendants (live ones, plus the children they reaped). */
export function treeCpuSeconds(pid: number): number {
  let total = 0;
  const stack = [pid];
  const seen = new Set<number>();
  while (stack.length) {
    const p = stack.pop()!;
    if (seen.has(p)) continue;
    seen.add(p);
    try {
      const stat = readFileSync(`/proc/${p}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      // fields[11..14] = utime, stime, cutime, cstime (stat fields 14-17)
      total += (Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14])) / TICKS;
    } catch {
      continue;
    }
    stack.push(...children(p));
  }
  return total;
}
