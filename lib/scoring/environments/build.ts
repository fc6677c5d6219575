import "server-only";
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, realpathSync, statSync } from "node:fs";
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { probeSandbox, SANDBOX_PATHS, SANDBOX_UID, sandboxMode, interpreterPrefix, systemBinds, SandboxUnavailableError } from "../sandbox";
import { dataDir } from "../sandbox-dirs";
import { parseCondaFile, parseRequirements, type EnvironmentFiles, type EnvironmentSpec } from "./spec";

/** BATCHPOINT_BUILD_ENVIRONMENTS: 1 (default) builds venvs; 0 notes environment files and ignores them. */
export function buildingEnvironments(env: Record<string, string | undefined> = process.env): boolean {
  return env.BATCHPOINT_BUILD_ENVIRONMENTS !== "0";
}

/** Where built environments live, one folder per content hash: `<data dir>/environments`. */
export function environmentsRoot(env: Record<string, string | undefined> = process.env): string {
  return path.resolve(env.BATCHPOINT_ENVIRONMENTS_DIR || path.join(dataDir(env), "environments"));
}

export interface EnvironmentPlan {
  hash: string;
  spec: EnvironmentSpec;
  /** Wheel folders pip installs from, with --no-index: BATCHPOINT_PIP_FIND_LINKS and the code's own `wheels/`. */
  findLinks: string[];
  base: string;
}

function inside(codeDir: string, rel: string, what: string): string {
  const file = path.resolve(codeDir, rel);
  const r = path.relative(codeDir, file);
  if (!r || r.startsWith("..") || path.isAbsolute(r)) throw new Error(`The ${what} '${rel}' must be a path inside the deployment's code.`);
  if (!existsSync(file)) throw new Error(`The ${what} '${rel}' is not in the deployment's code.`);
  return file;
}

function folderDigest(dir: string, hash: ReturnType<typeof createHash>): void {
  for (const name of readdirSync(dir).sort()) {
    const file = path.join(dir, name);
    if (!statSync(file).isFile()) continue;
    hash.update(`${name}\0${createHash("sha256").update(readFileSync(file)).digest("hex")}\0`);
  }
}

/** One file of the code's own `wheels/` folder, by name and content hash. */
export interface WheelEntry {
  name: string;
  sha256: string;
}

/**
 * What would be built for a deployment, and its content hash: the base interpreter, the pip
 * requirements and every wheel pip may pick from. Deployments with the same hash share one venv.
 */
export function planEnvironment(opts: {
  codeDir: string;
  files: EnvironmentFiles;
  baseInterpreter: string;
  env?: Record<string, string | undefined>;
}): EnvironmentPlan {
  const read = (rel: string | null | undefined, what: string) =>
    rel ? { path: rel, text: readFileSync(inside(opts.codeDir, rel, what), "utf8") } : null;
  const own = path.join(opts.codeDir, "wheels");
  let ownWheels: WheelEntry[] | null = null;
  if (existsSync(own) && statSync(own).isDirectory()) {
    ownWheels = readdirSync(own)
      .filter((name) => statSync(path.join(own, name)).isFile())
      .map((name) => ({
        name,
        sha256: createHash("sha256")
          .update(readFileSync(path.join(own, name)))
          .digest("hex"),
      }));
  }
  return planEnvironmentFrom({
    condaFile: read(opts.files.condaFile, "conda file"),
    requirementsFile: read(opts.files.requirementsFile, "requirements file"),
    ownWheels,
    ownWheelsDir: own,
    baseInterpreter: opts.baseInterpreter,
    env: opts.env,
  });
}

/**
 * planEnvironment from the files' contents rather than a code folder on disk: the server computes
 * the same hash from a deployment's stored manifest, to show its build log before or without a job.
 */
export function planEnvironmentFrom(opts: {
  condaFile: { path: string; text: string } | null;
  requirementsFile: { path: string; text: string } | null;
  /** The code's `wheels/` folder, or null when the code has none. */
  ownWheels: WheelEntry[] | null;
  ownWheelsDir: string;
  baseInterpreter: string;
  env?: Record<string, string | undefined>;
}): EnvironmentPlan {
  const env = opts.env ?? process.env;
  let spec: EnvironmentSpec = { requirements: [], notes: [] };
  if (opts.condaFile) spec = parseCondaFile(opts.condaFile.text, opts.condaFile.path);
  if (opts.requirementsFile) {
    const more = parseRequirements(opts.requirementsFile.text, opts.requirementsFile.path);
    spec = { requirements: [...spec.requirements, ...more.requirements], notes: spec.notes };
  }
  const findLinks: string[] = [];
  const digests: string[] = [];
  if (env.BATCHPOINT_PIP_FIND_LINKS) {
    const dir = path.resolve(env.BATCHPOINT_PIP_FIND_LINKS);
    findLinks.push(dir);
    const h = createHash("sha256");
    if (existsSync(dir)) folderDigest(dir, h);
    digests.push(h.digest("hex"));
  }
  if (opts.ownWheels) {
    findLinks.push(opts.ownWheelsDir);
    const h = createHash("sha256");
    for (const w of [...opts.ownWheels].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)))
      h.update(`${w.name}\0${w.sha256}\0`);
    digests.push(h.digest("hex"));
  }
  const base = realpathSync(opts.baseInterpreter);
  const h = createHash("sha256");
  h.update(`base\0${base}\0requirements\0${spec.requirements.join("\n")}\0`);
  for (const d of digests) h.update(`links\0${d}\0`);
  return { hash: h.digest("hex").slice(0, 32), spec, findLinks, base };
}

export interface BuiltEnvironment {
  hash: string;
  venvDir: string;
  /** The venv's python: the worker's interpreter. */
  python: string;
  reused: boolean;
  notes: string[];
}

export class EnvironmentBuildError extends Error {
  constructor(
    message: string,
    readonly log: string,
  ) {
    super(message);
    this.name = "EnvironmentBuildError";
  }
}

const building = new Map<string, Promise<BuiltEnvironment>>();

/**
 * The deployment's venv, built once per content hash (python -m venv --system-site-packages, so
 * Debian's numpy, pandas, torch stay importable; then pip install), inside the scoring sandbox
 * when it is on: a package's setup code is tenant code too. The build log is kept beside it
 * (getEnvironmentBuildLog). A failed build throws EnvironmentBuildError with pip's own error.
 */
export function ensureEnvironment(opts: { plan: EnvironmentPlan; allowNetwork?: boolean; root?: string }): Promise<BuiltEnvironment> {
  const root = opts.root ?? environmentsRoot();
  const venvDir = path.join(root, opts.plan.hash);
  let p = building.get(venvDir);
  if (!p) {
    p = build(opts.plan, root, venvDir, opts.allowNetwork === true).finally(() => building.delete(venvDir));
    building.set(venvDir, p);
  }
  return p;
}

const READY = ".batchpoint-ready";

async function build(plan: EnvironmentPlan, root: string, venvDir: string, network: boolean): Promise<BuiltEnvironment> {
  const result = (reused: boolean): BuiltEnvironment => ({
    hash: plan.hash,
    venvDir,
    python: path.join(venvDir, "bin", "python"),
    reused,
    notes: plan.spec.notes,
  });
  if (existsSync(path.join(venvDir, READY))) return result(true);
  await mkdir(root, { recursive: true, mode: 0o700 });
  await rm(venvDir, { recursive: true, force: true }); // a build that died half-way
  await mkdir(venvDir, { recursive: true });
  const logFile = `${venvDir}.log`;
  await rm(`${venvDir}.failed`, { force: true });
  await writeFile(path.join(venvDir, "requirements.txt"), plan.spec.requirements.join("\n") + "\n");
  const basePip = await hasPip(plan.base);
  const pip = ["-m", "pip", "install", "--disable-pip-version-check", "--no-input", "--no-cache-dir", "--retries", "0", "--timeout", "15"];
  if (plan.findLinks.length) pip.push("--no-index", ...plan.findLinks.flatMap((d) => ["--find-links", d]));
  // Without network and without a wheel folder no index is reachable: pip is told so, not left to fail on TLS.
  const offline = !plan.findLinks.length && !network;
  if (offline) pip.push("--no-index");
  pip.push("-r", path.join(venvDir, "requirements.txt"));
  const venvArgs = ["-m", "venv", "--system-site-packages", ...(basePip ? ["--without-pip"] : []), venvDir];
  const script = [
    `${q(plan.base)} ${venvArgs.map(q).join(" ")}`,
    plan.spec.requirements.length ? `${q(path.join(venvDir, "bin", "python"))} ${pip.map(q).join(" ")}` : "true",
  ].join(" && ");
  const { code, output } = await run(script, { venvDir, base: plan.base, findLinks: plan.findLinks, network });
  // The log is shown to the workspace: the server's folders appear by name, not by their host path.
  const hide = (text: string) => {
    let out = text.split(root).join("<environments>");
    for (const [i, dir] of plan.findLinks.entries())
      out = out.split(dir).join(plan.findLinks.length > 1 ? `<wheels ${i + 1}>` : "<wheels>");
    return out;
  };
  const log =
    [
      `$ ${hide(script)}`,
      hide(output.trimEnd()),
      code === 0 ? "environment ready" : `build failed (exit ${code})`,
      ...plan.spec.notes.map((n) => `note: ${n}`),
    ].join("\n") + "\n";
  await writeFile(logFile, log);
  if (code !== 0) {
    const error =
      pipError(hide(output)) +
      (offline
        ? ". The deployment has no network (sandboxSettings.allowNetwork) and the server names no wheel folder (BATCHPOINT_PIP_FIND_LINKS), so pip has nowhere to install from: allow the deployment network, or add the wheels to the code's wheels/ folder."
        : "");
    await writeFile(`${venvDir}.failed`, error + "\n");
    await rm(venvDir, { recursive: true, force: true });
    throw new EnvironmentBuildError(error, log);
  }
  await writeFile(path.join(venvDir, READY), new Date().toISOString() + "\n");
  return result(false);
}

function q(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

function hasPip(python: string): Promise<boolean> {
  return new Promise((resolve) => {
    const c = spawn(python, ["-c", "import pip"], { stdio: "ignore", env: { PATH: "/usr/bin:/bin" } as unknown as NodeJS.ProcessEnv });
    c.on("error", () => resolve(false));
    c.on("exit", (code) => resolve(code === 0));
  });
}

/** pip's own words, one sentence: its ERROR lines, else the last line it wrote. */
export function pipError(output: string): string {
  const lines = output
    .split("\n")
    .map((l) => l.trim())
    .filter(Boolean);
  const errors = lines.filter((l) => /^ERROR:/.test(l)).map((l) => l.replace(/^ERROR:\s*/, ""));
  const said = errors.length ? errors.slice(0, 2).join(" ") : (lines.at(-1) ?? "no output");
  return `Building the deployment's environment failed: pip says: ${said}`;
}

const BUILD_LIMITS = { memory: 4096 * 1024 * 1024, fileSize: 2048 * 1024 * 1024 };

function run(
  script: string,
  o: { venvDir: string; base: string; findLinks: string[]; network: boolean },
): Promise<{ code: number; output: string }> {
  let command = "/bin/sh";
  let args = ["-c", script];
  if (sandboxMode() === "on") {
    const status = probeSandbox();
    if (!status.available) throw new SandboxUnavailableError(status.reason!);
    const prefix = interpreterPrefix(o.base);
    args = [
      ...systemBinds(o.network),
      "--unshare-all",
      ...(o.network ? ["--share-net"] : []),
      "--die-with-parent",
      "--new-session",
      "--uid",
      String(SANDBOX_UID),
      "--gid",
      String(SANDBOX_UID),
      "--proc",
      "/proc",
      "--dev",
      "/dev",
      "--tmpfs",
      "/tmp",
      "--tmpfs",
      SANDBOX_PATHS.home,
      "--setenv",
      "HOME",
      SANDBOX_PATHS.home,
      ...(prefix ? ["--ro-bind", prefix, prefix] : []),
      ...o.findLinks.flatMap((d) => ["--ro-bind", d, d]),
      "--bind",
      o.venvDir,
      o.venvDir,
      "--chdir",
      "/tmp",
      "--",
      "/usr/bin/prlimit",
      `--data=${BUILD_LIMITS.memory}`,
      `--fsize=${BUILD_LIMITS.fileSize}`,
      "--core=0",
      "--",
      "/bin/sh",
      "-c",
      script,
    ];
    command = status.bwrap!;
  }
  return new Promise((resolve) => {
    const child = spawn(command, args, {
      stdio: ["ignore", "pipe", "pipe"],
      env: {
        PATH: "/usr/local/bin:/usr/bin:/bin",
        LANG: "C.UTF-8",
        HOME: command === "/bin/sh" ? tmpdir() : SANDBOX_PATHS.home,
        PIP_NO_COLOR: "1",
      } as unknown as NodeJS.ProcessEnv,
    });
    const chunks: string[] = [];
    let size = 0;
    const keep = (b: Buffer) => {
      size += b.length;
      chunks.push(b.toString("utf8"));
      while (size > 512 * 1024 && chunks.length > 1) size -= chunks.shift()!.length; // the tail holds pip's error
    };
    child.stdout.on("data", keep);
    child.stderr.on("data", keep);
    child.on("error", (e) => resolve({ code: 127, output: `could not start the build: ${e.message}` }));
    child.on("close", (code) => resolve({ code: code ?? 1, output: chunks.join("") }));
  });
}

export type EnvironmentBuildStatus = "ready" | "failed" | "building" | "none";

/**
 * The build log of the environment with this hash (see planEnvironment), for the API and the
 * deployment and job pages: `none` when it was never built on this server.
 */
export async function getEnvironmentBuildLog(opts: {
  hash: string;
  root?: string;
}): Promise<{ status: EnvironmentBuildStatus; log: string; error?: string }> {
  if (!/^[0-9a-f]{32}$/.test(opts.hash)) throw new Error(`Invalid environment hash '${opts.hash}'.`);
  const venvDir = path.join(opts.root ?? environmentsRoot(), opts.hash);
  const log = await readFile(`${venvDir}.log`, "utf8").catch(() => "");
  if (building.has(venvDir)) return { status: "building", log };
  if (existsSync(path.join(venvDir, READY))) return { status: "ready", log };
  const error = await readFile(`${venvDir}.failed`, "utf8").catch(() => null);
  if (error !== null) return { status: "failed", log, error: error.trim() };
  return { status: "none", log };
}
