import "server-only";
import { AppError } from "@/lib/errors";
import { materializeDeployment, sandboxSettingsOf, type ScoringDeployment } from "@/lib/scoring";
import type { StorageTarget } from "@/lib/storage";
import { isFileSetRef } from "@/lib/storage/platform-files";
import type { DataPath } from "./data-paths";
import type { JobSettings } from "./job-snapshot";
import { resolveDataTarget } from "./resolve-data-target";

// Per-process caches for the hot path of scoring: a deployment version's files never change, and
// storage targets are re-read after a short time so changed or removed credentials take effect soon.
const TARGET_TTL_MS = 30_000;
const materialized = new Map<string, Promise<{ codeDir: string; modelDir: string }>>();
const targets = new Map<string, { at: number; target: Promise<StorageTarget> }>();

/**
 * A job snapshots the deployment's content references (sha256:...). A job invoked before the
 * platform-files migration still holds blob paths: the migration rewrites unfinished jobs, and one it
 * missed is refused here rather than read from a tenant-writable path.
 */
function fileSetRef(ref: string | null, what: string): string {
  if (ref && isFileSetRef(ref)) return ref;
  throw new AppError("CONFLICT", `This job was invoked before the deployment's ${what} moved to the platform's storage; invoke it again.`);
}

/**
 * What the scoring pool runs for a job: the deployment as snapshotted at invoke, with its code and
 * model on local disk (downloaded once per deployment version and process).
 */
export async function deploymentForScoring(workspaceId: string, settings: JobSettings): Promise<ScoringDeployment> {
  const d = settings.deployment;
  const key = `${workspaceId}:${d.id}:v${d.version}`;
  let files = materialized.get(key);
  if (!files) {
    files = (async () => {
      const code = fileSetRef(d.codePath, "code");
      const model = d.modelPath ? fileSetRef(d.modelPath, "model") : null;
      return materializeDeployment({ workspaceId, deploymentId: d.id, version: d.version, code, model });
    })();
    files.catch(() => materialized.delete(key));
    materialized.set(key, files);
  }
  const { codeDir, modelDir } = await files;
  return {
    id: d.id,
    workspaceId,
    version: d.version,
    runtime: settings.runtime,
    interpreter: d.interpreter,
    codeDir,
    scoringScript: d.scoringScript,
    modelDir,
    instanceCount: settings.instanceCount,
    maxConcurrencyPerInstance: settings.maxConcurrencyPerInstance,
    timeoutSeconds: settings.timeoutSeconds,
    loggingLevel: settings.loggingLevel,
    environmentVariables: d.environmentVariables,
    sandbox: sandboxSettingsOf(d.sandboxSettings),
    environment:
      d.condaFile || d.requirementsFile ? { condaFile: d.condaFile ?? null, requirementsFile: d.requirementsFile ?? null } : null,
  };
}

/** resolveDataTarget with a short per-process cache. */
export function cachedDataTarget(workspaceId: string, path: DataPath): Promise<StorageTarget> {
  const key = JSON.stringify([workspaceId, path.kind === "datastore" ? path.datastore : [path.endpoint, path.containerName, path.sas]]);
  const hit = targets.get(key);
  if (hit && Date.now() - hit.at < TARGET_TTL_MS) return hit.target;
  const target = resolveDataTarget({ workspaceId, path });
  target.catch(() => targets.delete(key));
  targets.set(key, { at: Date.now(), target });
  return target;
}
