import "server-only";
import { createWriteStream } from "node:fs";
import { mkdir, mkdtemp, rename, rm, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import { AppError } from "@/lib/errors";
import { downloadBlob, listBlobs, type StorageTarget } from "@/lib/storage";
import { scoringCacheRoot, workspaceCacheDir } from "./sandbox-dirs";

/** Blobs under `prefix` in `target`: a folder prefix, or the path of a single file. */
export interface BlobSource {
  target: StorageTarget;
  prefix: string;
}

export interface MaterializedDeployment {
  /** `<cacheDir>/<deploymentId>-v<version>` */
  dir: string;
  codeDir: string;
  /** Always exists; empty when the deployment has no model. */
  modelDir: string;
  /** False when this call downloaded the files. */
  reused: boolean;
}

/** The scoring cache: BATCHPOINT_SCORING_CACHE_DIR, else `<BATCHPOINT_DATA_DIR>/scoring-cache`. */
export function defaultScoringCacheDir(): string {
  return scoringCacheRoot();
}

/**
 * Where a blob lands under the local directory for `prefix`, or null when it is outside the
 * prefix (`code2/x` is not under `code`) or its name would escape the directory (`..`).
 */
export function localPathFor(prefix: string, blobPath: string): string | null {
  const p = prefix.replace(/^\/+|\/+$/g, "");
  let rel: string;
  if (!p) rel = blobPath;
  else if (blobPath === p) rel = path.posix.basename(blobPath);
  else if (blobPath.startsWith(`${p}/`)) rel = blobPath.slice(p.length + 1);
  else return null;
  const parts = rel.split("/").filter((s) => s !== "" && s !== ".");
  if (parts.length === 0 || parts.some((s) => s === ".." || s.includes("\\") || s.includes("\0"))) return null;
  return parts.join("/");
}

async function download(source: BlobSource, dir: string): Promise<number> {
  await mkdir(dir, { recursive: true });
  const prefix = source.prefix.replace(/^\/+/, "");
  let count = 0;
  for await (const page of listBlobs(source.target, prefix)) {
    for (const blob of page) {
      const rel = localPathFor(prefix, blob.path);
      if (!rel) continue;
      const file = path.join(dir, rel);
      await mkdir(path.dirname(file), { recursive: true });
      await pipeline(await downloadBlob(source.target, blob.path), createWriteStream(file));
      count += 1;
    }
  }
  return count;
}

async function exists(p: string): Promise<boolean> {
  return stat(p).then(
    () => true,
    () => false,
  );
}

/**
 * Node applies the nearest package.json to a .js file. Without one in the cache, a user's
 * CommonJS `score.js` would be read as ESM because of the server's own `"type": "module"`.
 */
async function shieldFromServerPackage(cacheDir: string): Promise<void> {
  const file = path.join(cacheDir, "package.json");
  if (await exists(file)) return;
  await writeFile(file, JSON.stringify({ private: true, description: "Batchpoint scoring cache: .js files are CommonJS unless the code says otherwise" }) + "\n");
}

const inFlight = new Map<string, Promise<MaterializedDeployment>>();

/**
 * Copies a deployment version's code and model files from blob storage into the local cache,
 * once: files go to a temp dir that is renamed into place, so a half-written copy is never used,
 * and a version already in the cache is reused as is (a version's files never change).
 */
export function materializeDeployment(opts: {
  deploymentId: string;
  version: number;
  code: BlobSource;
  model?: BlobSource | null;
  cacheDir?: string;
  /** The deployment's workspace: its files go to that workspace's own cache dir (mode 0700). */
  workspaceId?: string;
}): Promise<MaterializedDeployment> {
  if (!/^[A-Za-z0-9_-]+$/.test(opts.deploymentId)) return Promise.reject(new Error(`Invalid deployment id '${opts.deploymentId}'.`));
  if (!Number.isInteger(opts.version) || opts.version < 0) return Promise.reject(new Error(`Invalid deployment version ${opts.version}.`));
  const cacheDir = path.resolve(opts.cacheDir ?? (opts.workspaceId ? workspaceCacheDir(opts.workspaceId) : defaultScoringCacheDir()));
  const dir = path.join(cacheDir, `${opts.deploymentId}-v${opts.version}`);
  let p = inFlight.get(dir);
  if (!p) {
    p = materialize(opts, cacheDir, dir).finally(() => inFlight.delete(dir));
    inFlight.set(dir, p);
  }
  return p;
}

async function materialize(
  opts: { code: BlobSource; model?: BlobSource | null },
  cacheDir: string,
  dir: string,
): Promise<MaterializedDeployment> {
  const result = (reused: boolean) => ({ dir, codeDir: path.join(dir, "code"), modelDir: path.join(dir, "model"), reused });
  if (await exists(dir)) return result(true);
  await mkdir(cacheDir, { recursive: true });
  await shieldFromServerPackage(cacheDir);
  const tmp = await mkdtemp(path.join(cacheDir, `.tmp-${path.basename(dir)}-`));
  try {
    const files = await download(opts.code, path.join(tmp, "code"));
    if (files === 0) throw new AppError("NOT_FOUND", `No scoring code found at '${opts.code.prefix}' in container '${opts.code.target.containerName}'.`);
    await mkdir(path.join(tmp, "model"), { recursive: true });
    if (opts.model) await download(opts.model, path.join(tmp, "model"));
    try {
      await rename(tmp, dir);
    } catch (e) {
      // Another process put the same version in place first: theirs is as good as ours.
      const code = (e as NodeJS.ErrnoException).code;
      if ((code === "ENOTEMPTY" || code === "EEXIST") && (await exists(dir))) {
        await rm(tmp, { recursive: true, force: true });
        return result(true);
      }
      throw e;
    }
    return result(false);
  } catch (e) {
    await rm(tmp, { recursive: true, force: true });
    throw e;
  }
}
