import "server-only";
import { getStorageTargetOrThrow } from "@/lib/datastores/datastores";
import { db } from "@/lib/db";
import { materializeDeployment, sandboxSettingsOf, type ScoringDeployment } from "@/lib/scoring";
import type { StorageTarget } from "@/lib/storage";
import type { DataPath } from "./data-paths";
import type { JobSettings } from "./invoke-job";
import { resolveDataTarget } from "./resolve-data-target";

// Per-process caches for the hot path of scoring: a deployment version's files never change, and
// storage targets are re-read after a short time so changed or removed credentials take effect soon.
const TARGET_TTL_MS = 30_000;
const materialized = new Map<string, Promise<{ codeDir: string; modelDir: string }>>();
const targets = new Map<string, { at: number; target: Promise<StorageTarget> }>();

async function storeTarget(workspaceId: string, datastoreId: string | null) {
  const ds = await db.datastore.findFirstOrThrow({ where: { id: datastoreId ?? "", workspaceId }, select: { name: true } });
  return getStorageTargetOrThrow({ workspaceId, name: ds.name });
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
      const code = { target: await storeTarget(workspaceId, d.codeDatastoreId), prefix: d.codePath ?? "" };
      const model = d.modelPath ? { target: await storeTarget(workspaceId, d.modelDatastoreId), prefix: d.modelPath } : null;
      return materializeDeployment({ deploymentId: d.id, version: d.version, code, model, workspaceId });
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
    environment: d.condaFile || d.requirementsFile ? { condaFile: d.condaFile ?? null, requirementsFile: d.requirementsFile ?? null } : null,
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
