import "server-only";
import { chmodSync, mkdirSync } from "node:fs";
import path from "node:path";

/** BATCHPOINT_DATA_DIR, else `.data` under the working directory (as scripts/run.ts resolves it). */
export function dataDir(env: Record<string, string | undefined> = process.env): string {
  return path.resolve(env.BATCHPOINT_DATA_DIR || ".data");
}

const SAFE_ID = /^[A-Za-z0-9_-]{1,100}$/;

/** Creates `dir` (and parents) and makes `dir` itself readable by its owner only. */
function privateDir(dir: string): string {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
  return dir;
}

function workspacePart(workspaceId: string | null | undefined): string {
  const id = workspaceId || "_unscoped";
  if (!SAFE_ID.test(id)) throw new Error(`Invalid workspace id '${workspaceId}'.`);
  return id;
}

/**
 * Root of the local cache of deployments' code and model files: BATCHPOINT_SCORING_CACHE_DIR,
 * else `<data dir>/scoring-cache`.
 */
export function scoringCacheRoot(env: Record<string, string | undefined> = process.env): string {
  return path.resolve(env.BATCHPOINT_SCORING_CACHE_DIR || path.join(dataDir(env), "scoring-cache"));
}

/** Root of the mini-batches' work dirs: BATCHPOINT_WORK_DIR, else `<data dir>/work`. */
export function scoringWorkRoot(env: Record<string, string | undefined> = process.env): string {
  return path.resolve(env.BATCHPOINT_WORK_DIR || path.join(dataDir(env), "work"));
}

/**
 * One workspace's cache dir (mode 0700). Only the sandboxes of that workspace's deployments get
 * a (read-only) mount of their own version's code and model from it; no sandbox sees the root.
 */
export function workspaceCacheDir(workspaceId: string | null | undefined, env: Record<string, string | undefined> = process.env): string {
  privateDir(scoringCacheRoot(env));
  return privateDir(path.join(scoringCacheRoot(env), workspacePart(workspaceId)));
}

/** One workspace's work dir (mode 0700): mini-batch downloads and its workers' exchange dirs. */
export function workspaceWorkDir(workspaceId: string | null | undefined, env: Record<string, string | undefined> = process.env): string {
  privateDir(scoringWorkRoot(env));
  return privateDir(path.join(scoringWorkRoot(env), workspacePart(workspaceId)));
}
