import "server-only";
import { createReadStream } from "node:fs";
import { chmod, mkdir, mkdtemp, readdir, rename, rm, stat, writeFile } from "node:fs/promises";
import { createHash } from "node:crypto";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import { resolveUnder } from "@/lib/storage/names";
import { scoringCacheRoot } from "./sandbox-dirs";
import { downloadVerifiedFile, isFileSetRef, readFileSetManifest, type FileSetManifest } from "@/lib/storage/platform-files";

export interface MaterializedDeployment {
  /** `<cacheDir>/<workspaceId>/<deploymentId>-v<version>` */
  dir: string;
  codeDir: string;
  /** Always exists; empty when the deployment has no model. AZUREML_MODEL_DIR: the model version's root. */
  modelDir: string;
  /** False when this call downloaded the files. */
  reused: boolean;
}

/**
 * The scoring cache: BATCHPOINT_SCORING_CACHE_DIR, else `scoring-cache` under BATCHPOINT_DATA_DIR
 * (default `.data`), with one folder per workspace.
 */
export function defaultScoringCacheDir(): string {
  return scoringCacheRoot();
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
  await writeFile(
    file,
    JSON.stringify({ private: true, description: "Batchpoint scoring cache: .js files are CommonJS unless the code says otherwise" }) +
      "\n",
  );
}

async function download(workspaceId: string, manifest: FileSetManifest, dir: string, what: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  for (const entry of manifest.files) {
    const file = resolveUnder(dir, entry.path, what);
    await mkdir(path.dirname(file), { recursive: true });
    await downloadVerifiedFile({ workspaceId, entry, dest: file, what: `${what} file '${entry.path}'` });
  }
}

async function hashFile(file: string): Promise<string> {
  const h = createHash("sha256");
  await pipeline(createReadStream(file), h);
  return h.digest("hex");
}

/** Every file under `dir`, relative, skipping Python's bytecode caches (written by the interpreter at import). */
async function filesUnder(dir: string, rel = ""): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(path.join(dir, rel), { withFileTypes: true }).catch(() => [])) {
    const r = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) {
      if (e.name !== "__pycache__") out.push(...(await filesUnder(dir, r)));
    } else out.push(r);
  }
  return out;
}

/** Whether the files under `dir` are exactly the manifest's, byte for byte. */
async function matches(dir: string, manifest: FileSetManifest | null): Promise<boolean> {
  const want = manifest?.files ?? [];
  const wanted = new Set(want.map((f) => f.path));
  const have = await filesUnder(dir);
  if (have.length !== want.length || have.some((p) => !wanted.has(p))) return false;
  for (const f of want) if ((await hashFile(path.join(dir, f.path))) !== f.sha256) return false;
  return true;
}

const inFlight = new Map<string, Promise<MaterializedDeployment>>();

/**
 * Copies a deployment version's code and model file sets (platform references `sha256:...`) from the
 * workspace's platform container into the local cache, checking every file's hash: a mismatch fails
 * with a clear error and leaves nothing behind. Files go to a temp dir renamed into place, so a
 * half-written copy is never used. A copy already in the cache is checked against the manifests and
 * replaced if anything in it differs.
 */
export function materializeDeployment(opts: {
  workspaceId: string;
  deploymentId: string;
  version: number;
  code: string;
  model?: string | null;
  cacheDir?: string;
}): Promise<MaterializedDeployment> {
  for (const [k, v] of [
    ["workspace", opts.workspaceId],
    ["deployment", opts.deploymentId],
  ] as const) {
    if (!/^[A-Za-z0-9_-]{1,64}$/.test(v)) return Promise.reject(new Error(`Invalid ${k} id '${v}'.`));
  }
  if (!Number.isInteger(opts.version) || opts.version < 0) return Promise.reject(new Error(`Invalid deployment version ${opts.version}.`));
  if (!isFileSetRef(opts.code)) return Promise.reject(new Error(`Invalid code reference '${opts.code}': expected sha256:<64 hex>.`));
  if (opts.model && !isFileSetRef(opts.model))
    return Promise.reject(new Error(`Invalid model reference '${opts.model}': expected sha256:<64 hex>.`));
  const cacheDir = path.resolve(opts.cacheDir ?? defaultScoringCacheDir());
  const dir = path.join(cacheDir, opts.workspaceId, `${opts.deploymentId}-v${opts.version}`);
  let p = inFlight.get(dir);
  if (!p) {
    p = materialize(opts, cacheDir, dir).finally(() => inFlight.delete(dir));
    inFlight.set(dir, p);
  }
  return p;
}

async function materialize(
  opts: { workspaceId: string; code: string; model?: string | null },
  cacheDir: string,
  dir: string,
): Promise<MaterializedDeployment> {
  const result = (reused: boolean) => ({ dir, codeDir: path.join(dir, "code"), modelDir: path.join(dir, "model"), reused });
  const code = await readFileSetManifest({ workspaceId: opts.workspaceId, ref: opts.code });
  const model = opts.model ? await readFileSetManifest({ workspaceId: opts.workspaceId, ref: opts.model }) : null;
  if (await exists(dir)) {
    if ((await matches(path.join(dir, "code"), code)) && (await matches(path.join(dir, "model"), model))) return result(true);
    // Changed on disk since it was written: never run it; fetch a verified copy instead.
    await rm(dir, { recursive: true, force: true });
  }
  // One folder per workspace, readable by the server's user only (see sandbox-dirs.ts).
  const parent = path.dirname(dir);
  await mkdir(parent, { recursive: true, mode: 0o700 });
  await chmod(parent, 0o700);
  await shieldFromServerPackage(cacheDir);
  const tmp = await mkdtemp(path.join(parent, `.tmp-${path.basename(dir)}-`));
  try {
    await download(opts.workspaceId, code, path.join(tmp, "code"), "Scoring code");
    await mkdir(path.join(tmp, "model"), { recursive: true });
    if (model) await download(opts.workspaceId, model, path.join(tmp, "model"), "Model");
    try {
      await rename(tmp, dir);
    } catch (e) {
      // Another process put the same version in place first: theirs is as good as ours.
      const errno = (e as NodeJS.ErrnoException).code;
      if ((errno === "ENOTEMPTY" || errno === "EEXIST") && (await exists(dir))) {
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
