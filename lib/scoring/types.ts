import type { EnvironmentFiles } from "./environments/spec";
import type { SandboxSettings } from "./sandbox";

/** The runtimes a deployment's scoring code can use (matches Prisma's `Runtime`). */
export type ScoringRuntime = "python" | "node";

/** The deployment's logging level (matches Prisma's `LoggingLevel`). */
export type ScoringLogLevel = "debug" | "info" | "warning" | "error";

/**
 * What a pool needs to know about one deployment version. Workers are keyed by
 * `${id}:v${version}`: everything here except the sizing and timeout fields is fixed for a version.
 */
export interface ScoringDeployment {
  id: string;
  /** The deployment's workspace: its sandbox's exchange dir lives in that workspace's work dir. */
  workspaceId?: string | null;
  /** Network and limits of the deployment's sandbox (defaults: no network, see DEFAULT_LIMITS). */
  sandbox?: SandboxSettings | null;
  /** A virtual environment to mount (read-only, at its own path); set by the pool when it built one. */
  venvDir?: string | null;
  /**
   * The deployment's environment file(s), paths inside codeDir: Azure's environment.conda_file (its
   * pip section is installed) and/or a requirements.txt. Python only; see lib/scoring/environments.
   */
  environment?: EnvironmentFiles | null;
  version: number;
  /**
   * Workers of one job only (`scope` = the job's id), for a job with its own environment variables:
   * they are secrets of that job, so no other job's mini-batch runs in a process that holds them.
   */
  scope?: string | null;
  runtime: ScoringRuntime;
  /** Python: an absolute path or a name looked up on the worker's PATH (default `python3`). Node: default the server's node. */
  interpreter?: string | null;
  /** Local directory holding the scoring code (see materializeDeployment). */
  codeDir: string;
  /** Path of the scoring script inside codeDir, e.g. `score.py` or `src/score.mjs`. */
  scoringScript: string;
  /** Local directory holding the model files: AZUREML_MODEL_DIR and BATCH_MODEL_DIR. */
  modelDir?: string | null;
  instanceCount: number;
  maxConcurrencyPerInstance: number;
  /** retry_settings.timeout: the limit for one run() call. */
  timeoutSeconds: number;
  loggingLevel: ScoringLogLevel;
  environmentVariables?: Record<string, string>;
}

/** A mini-batch's input: local files, or a CSV chunk for row-chunked tabular input. */
export type MiniBatchInput =
  | {
      kind: "files";
      files: string[];
      /**
       * Every file is a regular file's real path, checked by the caller just now (a filesystem datastore's
       * files read in place): staging them for the sandbox does not stat each one again.
       */
      regularFiles?: boolean;
    }
  /**
   * `file` holds CSV rows. Give `header` (the CSV header line) when the chunk has none, as for a
   * byte range cut from the middle of a big CSV; without it the chunk's first line is the header.
   */
  | { kind: "tabular"; file: string; header?: string; rowCount?: number }
  /** `file` holds JSON Lines, one object per line: run() gets a list of dicts (Python) / an array of objects (Node). */
  | { kind: "jsonl"; file: string; rowCount?: number }
  /** Named input items (Modzy's sources): run() gets one dict / object per item, model input name -> local file. */
  | { kind: "named"; items: Record<string, string>[] };

export interface MiniBatchRequest {
  input: MiniBatchInput;
  /** The job's values, set in the worker's environment before run() (the worker may serve several jobs). */
  inputDir?: string;
  outputDir?: string;
  payloadFile?: string;
  /** The job asked for explanations: BATCH_EXPLAIN=1 while this mini-batch runs. */
  explain?: boolean;
  /** Overrides deployment.timeoutSeconds (a job's retry_settings.timeout override). */
  timeoutMs?: number;
  /** Aborting kills the worker running this mini-batch (job canceled), or drops it from the queue. */
  signal?: AbortSignal;
  /** Called when a worker takes the mini-batch, after any wait for a free or starting worker. */
  onStart?: () => void;
}

interface ResultBase {
  /** stdout and stderr of the worker while it ran this mini-batch (and init() output on a cold start), filtered by logging level. */
  logs: string;
  /** Time inside the worker: from handing the request over to the response. */
  durationMs: number;
  /** Time waiting for a free (or freshly started) worker. */
  queuedMs: number;
  /** Number of inputs: files, or rows of a tabular chunk (rowCount, else the rows the worker read; -1 if unknown). */
  inputCount: number;
}

export interface MiniBatchSuccess extends ResultBase {
  ok: true;
  format: "dataframe" | "list";
  /** The DataFrame's CSV header line (no newline); write it once at the top of the output. */
  header?: string;
  /** CSV rows or one list element per line; each line ends with "\n". */
  body: string;
  /** Results returned by run(): inputCount - count inputs failed. */
  count: number;
  workerPid: number;
  /** True when this mini-batch waited for a new worker's init() (false after warm() finished). */
  coldStart: boolean;
}

export interface MiniBatchFailure extends ResultBase {
  ok: false;
  /** One plain sentence, e.g. "run() raised ValueError: bad pixel in img_3.png". */
  error: string;
  /** The tail of the traceback or stack of the user's code, when there is one. */
  traceback?: string;
  /** init(): the script cannot start; retrying soon will fail the same way. run(): this mini-batch failed. */
  phase: "init" | "run";
  /**
   * True when the script itself cannot start (import or init() raised, no run(), a missing script
   * or interpreter, a limit crossed in init()): every attempt will fail the same way, so the job
   * can fail at once instead of retrying.
   */
  deterministic?: boolean;
  timedOut: boolean;
  canceled: boolean;
}

export type MiniBatchResult = MiniBatchSuccess | MiniBatchFailure;
