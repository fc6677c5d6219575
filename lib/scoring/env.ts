import "server-only";
import { accessSync, constants } from "node:fs";
import path from "node:path";
import type { ScoringRuntime } from "./types";

/** The PATH a worker gets unless the deployment sets its own: system directories only. */
export const SAFE_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/** Set by the platform; a deployment's environment_variables cannot override them. */
export const PLATFORM_VARIABLES = [
  "AZUREML_MODEL_DIR",
  "BATCH_MODEL_DIR",
  "BATCH_INPUT_DIR",
  "BATCH_OUTPUT_DIR",
  "AZUREML_BI_OUTPUT_PATH",
  "JOBS_PAYLOAD_FILE",
  "BATCH_EXPLAIN",
] as const;

/** The per-job part of a worker's environment, set again before every run(). */
export interface JobEnv {
  BATCH_INPUT_DIR: string | null;
  BATCH_OUTPUT_DIR: string | null;
  /** Azure's name for the same per-mini-batch output folder. */
  AZUREML_BI_OUTPUT_PATH?: string | null;
  JOBS_PAYLOAD_FILE: string | null;
  /** "1" when the job asked for explanations (explain: true); unset otherwise. */
  BATCH_EXPLAIN?: string | null;
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Builds a scoring worker's environment from scratch. Nothing of the server's own environment
 * (DATABASE_URL, storage keys, BATCHPOINT_SECRET_KEY, NEXTAUTH_SECRET, INNGEST_*) is copied:
 * only PATH, HOME, LANG, PYTHONUNBUFFERED, the model directory, the job's directories and
 * payload file, and the deployment's own variables.
 */
export function buildWorkerEnv(opts: {
  homeDir: string;
  modelDir?: string | null;
  job: JobEnv;
  deploymentEnv?: Record<string, string>;
}): Record<string, string> {
  const env: Record<string, string> = { PATH: SAFE_PATH, HOME: opts.homeDir, LANG: "C.UTF-8", PYTHONUNBUFFERED: "1" };
  for (const [key, value] of Object.entries(opts.deploymentEnv ?? {})) {
    if (!NAME.test(key) || (PLATFORM_VARIABLES as readonly string[]).includes(key)) continue;
    env[key] = String(value);
  }
  if (opts.modelDir) {
    env.AZUREML_MODEL_DIR = opts.modelDir;
    env.BATCH_MODEL_DIR = opts.modelDir;
  }
  for (const [key, value] of Object.entries(opts.job)) if (value) env[key] = value;
  return env;
}

/** Ignored entries of a deployment's environment_variables, for validation messages. */
export function invalidDeploymentVariables(vars: Record<string, string>): string[] {
  return Object.keys(vars).filter((k) => !NAME.test(k) || (PLATFORM_VARIABLES as readonly string[]).includes(k));
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * The interpreter a worker runs. Python: the deployment's, else BATCHPOINT_PYTHON, else
 * `python3`, a bare name looked up on the worker's PATH (SAFE_PATH by default), not the server's:
 * on Debian that is /usr/bin/python3 with the apt-installed pandas, not a pyenv or venv shim.
 * Node: the deployment's, else the node running the server.
 */
export function resolveInterpreter(runtime: ScoringRuntime, interpreter: string | null | undefined, workerPath: string): string {
  if (runtime === "node") return interpreter || process.execPath;
  const name = interpreter || process.env.BATCHPOINT_PYTHON || "python3";
  if (name.includes("/")) {
    if (!path.isAbsolute(name)) throw new Error(`The Python interpreter must be an absolute path or a name on PATH, not '${name}'.`);
    if (!isExecutable(name)) throw new Error(`The Python interpreter '${name}' does not exist or is not executable.`);
    return name;
  }
  for (const dir of workerPath.split(":")) {
    const candidate = path.join(dir, name);
    if (dir && isExecutable(candidate)) return candidate;
  }
  throw new Error(`The Python interpreter '${name}' was not found on the worker's PATH (${workerPath}).`);
}
