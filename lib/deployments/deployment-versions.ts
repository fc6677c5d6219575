import "server-only";
import type { db } from "@/lib/db";
import type { Prisma } from "@/lib/db";
import { sandboxSettingsSchema } from "@/lib/scoring/sandbox-settings";

export type DeploymentRow = Awaited<ReturnType<typeof db.deployment.findFirstOrThrow>> & {
  modelVersion?: { version: string; model: { name: string } } | null;
};

/** Stored sandbox settings (a Json column); a value that does not parse counts as the defaults, as the scoring pool reads it. */
export function storedSandboxSettings(json: unknown) {
  const parsed = sandboxSettingsSchema.safeParse(json ?? {});
  return parsed.success ? parsed.data : {};
}

/** The settings a recorded version keeps, as the Deployment row stores them. */
export type SnapshotSettings = {
  miniBatchSize: number;
  instanceCount: number;
  maxConcurrencyPerInstance: number;
  maxRetries: number;
  timeoutSeconds: number;
  errorThreshold: number;
  outputAction: DeploymentRow["outputAction"];
  outputFileName: string;
  loggingLevel: DeploymentRow["loggingLevel"];
  environmentVariables: Record<string, string>;
  /** Absent in versions recorded before the sandbox and environment settings: the defaults. */
  sandboxSettings?: Record<string, number | boolean>;
  condaFile?: string | null;
  requirementsFile?: string | null;
  supportsExplanations?: boolean;
};

export function snapshotOf(d: DeploymentRow) {
  const settings: SnapshotSettings = {
    miniBatchSize: d.miniBatchSize,
    instanceCount: d.instanceCount,
    maxConcurrencyPerInstance: d.maxConcurrencyPerInstance,
    maxRetries: d.maxRetries,
    timeoutSeconds: d.timeoutSeconds,
    errorThreshold: d.errorThreshold,
    outputAction: d.outputAction,
    outputFileName: d.outputFileName,
    loggingLevel: d.loggingLevel,
    environmentVariables: (d.environmentVariables ?? {}) as Record<string, string>,
    sandboxSettings: storedSandboxSettings(d.sandboxSettings),
    condaFile: d.condaFile,
    requirementsFile: d.requirementsFile,
    supportsExplanations: d.supportsExplanations,
  };
  return {
    workspaceId: d.workspaceId,
    deploymentId: d.id,
    version: d.version,
    codeDatastoreId: d.codeDatastoreId,
    codePath: d.codePath,
    scoringScript: d.scoringScript,
    runtime: d.runtime,
    interpreter: d.interpreter,
    modelVersionId: d.modelVersionId,
    modelRef: d.modelVersion ? `${d.modelVersion.model.name}:${d.modelVersion.version}` : null,
    settings,
  };
}

/**
 * Records what a deployment's current version runs (its code reference, model and settings), in the
 * transaction that creates or changes that version; recording one that exists changes nothing.
 */
export async function recordDeploymentVersion(tx: Prisma.TransactionClient, d: DeploymentRow) {
  const v = snapshotOf(d);
  await tx.deploymentVersion.upsert({
    where: { deploymentId_version: { deploymentId: d.id, version: d.version } },
    create: { ...v, settings: v.settings as Prisma.InputJsonValue },
    update: {},
  });
}
