import "server-only";
import { z } from "zod";
import { recordAuditEvent, type Actor } from "@/lib/audit/record-audit-event";
import { db, type Prisma } from "@/lib/db";
import { AppError, fieldError, notFound } from "@/lib/errors";
import { getEndpointOrThrow } from "@/lib/endpoints/find-endpoints";
import { resolveModelVersion } from "@/lib/models/create-model-version";
import { readBlobText } from "@/lib/storage";
import { isFileSetRef, platformBlobPath, platformFilesTarget, readFileSetManifest } from "@/lib/storage/platform-files";
import { getEnvironmentBuild } from "@/lib/scoring/environments/status";
import { effectiveSandboxSettings, sandboxSettingsSchema } from "@/lib/scoring/sandbox-settings";
import { checkEnvironmentFiles, createDeploymentSchema, environmentFilesSchema, storeDeploymentCode } from "./create-deployment";
import { type DeploymentRow, recordDeploymentVersion, type SnapshotSettings, storedSandboxSettings } from "./deployment-versions";
import { presentEnvironmentVariables } from "./present-settings";
import { deploymentSettingsPatchSchema, MASK } from "./settings";

export { MASK };

/** A variable sent back with the mask keeps its saved value: the dashboard never holds secrets. */
function keepMaskedValues(next: Record<string, string>, saved: Record<string, string>) {
  return Object.fromEntries(Object.entries(next).map(([k, v]) => [k, v === MASK && k in saved ? saved[k] : v]));
}

function environmentOf(d: { condaFile?: string | null; requirementsFile?: string | null }) {
  return d.condaFile || d.requirementsFile ? { condaFile: d.condaFile ?? null, requirementsFile: d.requirementsFile ?? null } : null;
}

/** A deployment as callers see it: settings grouped as in Azure, secret-looking variable values masked. */
export function presentDeployment(d: DeploymentRow, endpointName: string, isDefault: boolean) {
  const env = (d.environmentVariables ?? {}) as Record<string, string>;
  const sandboxSettings = storedSandboxSettings(d.sandboxSettings);
  return {
    name: d.name,
    endpointName,
    description: d.description,
    version: d.version,
    isDefault,
    model: d.modelVersion ? `${d.modelVersion.model.name}:${d.modelVersion.version}` : null,
    runtime: d.runtime,
    interpreter: d.interpreter,
    scoringScript: d.scoringScript,
    settings: {
      miniBatchSize: d.miniBatchSize,
      instanceCount: d.instanceCount,
      maxConcurrencyPerInstance: d.maxConcurrencyPerInstance,
      retrySettings: { maxRetries: d.maxRetries, timeout: d.timeoutSeconds },
      errorThreshold: d.errorThreshold,
      outputAction: d.outputAction,
      outputFileName: d.outputFileName,
      loggingLevel: d.loggingLevel,
      environmentVariables: presentEnvironmentVariables(env),
      sandboxSettings,
      supportsExplanations: d.supportsExplanations,
    },
    /** What the deployment's workers get: its sandbox settings over the defaults. */
    sandbox: effectiveSandboxSettings(sandboxSettings),
    environment: environmentOf(d),
    createdAt: d.createdAt,
    updatedAt: d.updatedAt,
  };
}

async function load(opts: { workspaceId: string; endpointName: string; name: string }) {
  const endpoint = await getEndpointOrThrow({ workspaceId: opts.workspaceId, name: opts.endpointName });
  const d = await db.deployment.findFirst({
    where: { workspaceId: opts.workspaceId, endpointId: endpoint.id, name: opts.name },
    include: { modelVersion: { include: { model: true } } },
  });
  if (!d) throw notFound(`Deployment '${opts.name}' of endpoint '${endpoint.name}'`);
  return { endpoint, d };
}

// Deployments of an endpoint, default first.
export async function findDeployments(opts: { workspaceId: string; endpointName: string }) {
  const endpoint = await getEndpointOrThrow({ workspaceId: opts.workspaceId, name: opts.endpointName });
  const rows = await db.deployment.findMany({
    where: { workspaceId: opts.workspaceId, endpointId: endpoint.id },
    orderBy: { createdAt: "asc" },
    include: { modelVersion: { include: { model: true } } },
  });
  return rows
    .map((d) => presentDeployment(d, endpoint.name, d.id === endpoint.defaultDeploymentId))
    .sort((a, b) => Number(b.isDefault) - Number(a.isDefault));
}

export async function getDeploymentOrThrow(opts: { workspaceId: string; endpointName: string; name: string }) {
  const { endpoint, d } = await load(opts);
  return presentDeployment(d, endpoint.name, d.id === endpoint.defaultDeploymentId);
}

export const updateDeploymentSchema = z.object({
  description: z.string().max(1000).optional(),
  model: z.string().trim().min(1).nullable().optional(),
  interpreter: z.string().trim().max(256).nullable().optional(),
  code: createDeploymentSchema.shape.code.optional(),
  scoringScript: createDeploymentSchema.shape.scoringScript.optional(),
  settings: deploymentSettingsPatchSchema.optional(),
  /** Replaces the environment files; null removes them (the system python runs the script again). */
  environment: environmentFilesSchema.nullable().optional(),
  setDefault: z.boolean().optional(),
});
export type UpdateDeploymentInput = z.input<typeof updateDeploymentSchema>;

/**
 * Updates a deployment. A change of code, model or settings makes a new version: jobs already
 * running keep the version they started with; new jobs use the new one.
 */
export async function updateDeployment(opts: {
  workspaceId: string;
  actor: Actor;
  endpointName: string;
  name: string;
  input: UpdateDeploymentInput;
}) {
  const input = updateDeploymentSchema.parse(opts.input);
  const { endpoint, d } = await load(opts);
  // Only a change of what runs makes a new version; description or default alone do not.
  const changesRun = !!(
    input.code ||
    input.scoringScript ||
    input.model !== undefined ||
    input.interpreter !== undefined ||
    input.settings ||
    input.environment !== undefined
  );
  const version = changesRun ? d.version + 1 : d.version;
  // Without new code the new version keeps the same content reference: nothing is re-read from storage.
  let codePath = d.codePath;
  let codeDatastoreId = d.codeDatastoreId;
  if (input.code) {
    const scoringScript = input.scoringScript ?? d.scoringScript;
    createDeploymentSchema.parse({ name: d.name, runtime: d.runtime, code: input.code, scoringScript });
    codePath = await storeDeploymentCode(opts.workspaceId, input.code.files);
    codeDatastoreId = null;
  }
  // The environment files, new or kept, must be in the code the new version runs.
  const environment = input.environment === undefined ? environmentOf(d) : input.environment;
  if (environment && (environment.condaFile || environment.requirementsFile) && (input.code || input.environment)) {
    if (d.runtime !== "python")
      throw fieldError("environment", "Only python deployments get a built environment; remove environment for a node deployment.");
    const issues: { path: (string | number)[]; message: string }[] = [];
    const files = input.code ? input.code.files : null;
    const names = files ? Object.keys(files) : await codeFileNames(opts.workspaceId, codePath);
    checkEnvironmentFiles(environment, names, files, { addIssue: (i) => issues.push(i) });
    if (issues.length) throw fieldError(issues[0].path.join("."), issues[0].message);
  }
  const modelVersionId =
    input.model === undefined
      ? d.modelVersionId
      : input.model === null
        ? null
        : (await resolveModelVersion({ workspaceId: opts.workspaceId, ref: input.model })).id;
  const s = input.settings ?? {};
  const updated = await db.$transaction(async (tx) => {
    // A deployment from before versions were recorded gets its old version recorded first.
    if (changesRun) await recordDeploymentVersion(tx, d);
    const next = await tx.deployment.update({
      where: { id: d.id },
      data: {
        version,
        description: input.description ?? d.description,
        interpreter: input.interpreter === undefined ? d.interpreter : input.interpreter,
        codePath,
        codeDatastoreId,
        scoringScript: input.scoringScript ?? d.scoringScript,
        modelVersionId,
        ...(s.miniBatchSize !== undefined ? { miniBatchSize: s.miniBatchSize } : {}),
        ...(s.instanceCount !== undefined ? { instanceCount: s.instanceCount } : {}),
        ...(s.maxConcurrencyPerInstance !== undefined ? { maxConcurrencyPerInstance: s.maxConcurrencyPerInstance } : {}),
        ...(s.retrySettings?.maxRetries !== undefined ? { maxRetries: s.retrySettings.maxRetries } : {}),
        ...(s.retrySettings?.timeout !== undefined ? { timeoutSeconds: s.retrySettings.timeout } : {}),
        ...(s.errorThreshold !== undefined ? { errorThreshold: s.errorThreshold } : {}),
        ...(s.outputAction ? { outputAction: s.outputAction } : {}),
        ...(s.outputFileName ? { outputFileName: s.outputFileName } : {}),
        ...(s.loggingLevel ? { loggingLevel: s.loggingLevel } : {}),
        ...(s.supportsExplanations !== undefined ? { supportsExplanations: s.supportsExplanations } : {}),
        ...(s.environmentVariables
          ? { environmentVariables: keepMaskedValues(s.environmentVariables, (d.environmentVariables ?? {}) as Record<string, string>) }
          : {}),
        ...(s.sandboxSettings ? { sandboxSettings: s.sandboxSettings } : {}),
        ...(input.environment !== undefined
          ? { condaFile: input.environment?.condaFile ?? null, requirementsFile: input.environment?.requirementsFile ?? null }
          : {}),
      },
      include: { modelVersion: { include: { model: true } } },
    });
    if (changesRun) await recordDeploymentVersion(tx, next);
    return next;
  });
  if (input.setDefault) await db.endpoint.update({ where: { id: endpoint.id }, data: { defaultDeploymentId: d.id } });
  await recordAuditEvent({
    workspaceId: opts.workspaceId,
    actor: opts.actor,
    action: "deployment.updated",
    targetType: "deployment",
    targetId: d.id,
    metadata: { version },
  });
  return presentDeployment(updated, endpoint.name, input.setDefault || d.id === endpoint.defaultDeploymentId);
}

// Deletes a deployment; jobs keep its name. The endpoint's default is cleared if it was this one.
export async function deleteDeployment(opts: { workspaceId: string; actor: Actor; endpointName: string; name: string }) {
  const { endpoint, d } = await load(opts);
  await db.$transaction(async (tx) => {
    if (endpoint.defaultDeploymentId === d.id)
      await tx.endpoint.update({ where: { id: endpoint.id }, data: { defaultDeploymentId: null } });
    await tx.deployment.delete({ where: { id: d.id } });
  });
  await recordAuditEvent({
    workspaceId: opts.workspaceId,
    actor: opts.actor,
    action: "deployment.deleted",
    targetType: "deployment",
    targetId: d.id,
    metadata: { endpoint: endpoint.name, name: d.name },
  });
}

/** A recorded version as the dashboard shows it: settings grouped as in Azure, secret-looking values masked. */
function presentVersion(v: {
  version: number;
  scoringScript: string;
  runtime: string;
  interpreter: string | null;
  modelRef: string | null;
  settings: unknown;
  createdAt: Date;
  codePath: string | null;
}) {
  const s = v.settings as SnapshotSettings;
  return {
    version: v.version,
    scoringScript: v.scoringScript,
    runtime: v.runtime,
    interpreter: v.interpreter,
    model: v.modelRef,
    createdAt: v.createdAt,
    hasCode: !!v.codePath,
    settings: {
      miniBatchSize: s.miniBatchSize,
      instanceCount: s.instanceCount,
      maxConcurrencyPerInstance: s.maxConcurrencyPerInstance,
      retrySettings: { maxRetries: s.maxRetries, timeout: s.timeoutSeconds },
      errorThreshold: s.errorThreshold,
      outputAction: s.outputAction,
      outputFileName: s.outputFileName,
      loggingLevel: s.loggingLevel,
      environmentVariables: presentEnvironmentVariables(s.environmentVariables ?? {}),
      sandboxSettings: storedSandboxSettings(s.sandboxSettings),
    },
    environment: environmentOf(s),
  };
}

// The deployment's recorded versions, newest first, each with how many jobs used it and the latest few of them.
export async function findDeploymentVersions(opts: { workspaceId: string; endpointName: string; name: string }) {
  const { endpoint, d } = await load(opts);
  const [versions, counts, recent] = await Promise.all([
    db.deploymentVersion.findMany({ where: { workspaceId: opts.workspaceId, deploymentId: d.id }, orderBy: { version: "desc" } }),
    db.job.groupBy({
      by: ["deploymentVersion"],
      where: { workspaceId: opts.workspaceId, endpointId: endpoint.id, deploymentName: d.name },
      _count: { _all: true },
    }),
    db.job.findMany({
      where: { workspaceId: opts.workspaceId, endpointId: endpoint.id, deploymentName: d.name },
      orderBy: { createdAt: "desc" },
      take: 100,
      select: { name: true, status: true, deploymentVersion: true, createdAt: true },
    }),
  ]);
  const count = new Map(counts.map((c) => [c.deploymentVersion, c._count._all]));
  return versions.map((v) => ({
    ...presentVersion(v),
    current: v.version === d.version,
    jobCount: count.get(v.version) ?? 0,
    jobs: recent.filter((j) => j.deploymentVersion === v.version).slice(0, 5),
  }));
}

/** The paths in a stored code file set. */
async function codeFileNames(workspaceId: string, ref: string | null): Promise<string[]> {
  if (!ref || !isFileSetRef(ref)) return [];
  return (await readFileSetManifest({ workspaceId, ref })).files.map((f) => f.path);
}

const MAX_CODE_FILES = 50;
const MAX_CODE_BYTES = 512 * 1024;

// The code files of one recorded version (path -> text), for the viewer and the diff; large or many files are cut off.
export async function readDeploymentVersionCode(opts: { workspaceId: string; endpointName: string; name: string; version: number }) {
  const { d } = await load(opts);
  const v = await db.deploymentVersion.findFirst({ where: { workspaceId: opts.workspaceId, deploymentId: d.id, version: opts.version } });
  if (!v) throw notFound(`Version ${opts.version} of deployment '${d.name}'`);
  const files: Record<string, string> = {};
  let truncated = false;
  if (isFileSetRef(v.codePath)) {
    // Code is stored by content in the workspace's platform container; the manifest lists its files.
    const target = platformFilesTarget(opts.workspaceId);
    const manifest = await readFileSetManifest({ workspaceId: opts.workspaceId, ref: v.codePath as string });
    for (const f of manifest.files) {
      if (Object.keys(files).length >= MAX_CODE_FILES) {
        truncated = true;
        break;
      }
      files[f.path] =
        f.size > MAX_CODE_BYTES ? `(${f.size} bytes: too large to show here)` : await readBlobText(target, platformBlobPath(f.sha256));
    }
  }
  return { version: v.version, scoringScript: v.scoringScript, files, truncated };
}

/**
 * Makes an earlier version current (a rollback): its code, model and settings become a new
 * version, so worker pools and caches keyed on the version start fresh and history stays linear.
 */
export async function restoreDeploymentVersion(opts: {
  workspaceId: string;
  actor: Actor;
  endpointName: string;
  name: string;
  version: number;
}) {
  const { endpoint, d } = await load(opts);
  const v = await db.deploymentVersion.findFirst({ where: { workspaceId: opts.workspaceId, deploymentId: d.id, version: opts.version } });
  if (!v) throw notFound(`Version ${opts.version} of deployment '${d.name}'`);
  if (v.version === d.version) throw new AppError("CONFLICT", `Version ${v.version} is already the current version of '${d.name}'.`);
  const model = v.modelVersionId
    ? await db.modelVersion.findFirst({ where: { id: v.modelVersionId, model: { workspaceId: opts.workspaceId } }, select: { id: true } })
    : null;
  if (v.modelVersionId && !model)
    throw new AppError(
      "CONFLICT",
      `Version ${v.version} used model ${v.modelRef ?? "(deleted)"}, which no longer exists; register it again or edit the deployment instead.`,
    );
  const s = v.settings as SnapshotSettings;
  const updated = await db.$transaction(async (tx) => {
    await recordDeploymentVersion(tx, d);
    const next = await tx.deployment.update({
      where: { id: d.id },
      data: {
        version: d.version + 1,
        codeDatastoreId: v.codeDatastoreId,
        codePath: v.codePath,
        scoringScript: v.scoringScript,
        interpreter: v.interpreter,
        modelVersionId: model?.id ?? null,
        miniBatchSize: s.miniBatchSize,
        instanceCount: s.instanceCount,
        maxConcurrencyPerInstance: s.maxConcurrencyPerInstance,
        maxRetries: s.maxRetries,
        timeoutSeconds: s.timeoutSeconds,
        errorThreshold: s.errorThreshold,
        outputAction: s.outputAction,
        outputFileName: s.outputFileName,
        loggingLevel: s.loggingLevel,
        environmentVariables: s.environmentVariables ?? {},
        sandboxSettings: storedSandboxSettings(s.sandboxSettings),
        condaFile: s.condaFile ?? null,
        requirementsFile: s.requirementsFile ?? null,
        supportsExplanations: s.supportsExplanations ?? false,
      },
      include: { modelVersion: { include: { model: true } } },
    });
    await recordDeploymentVersion(tx, next);
    await recordAuditEvent(
      {
        workspaceId: opts.workspaceId,
        actor: opts.actor,
        action: "deployment.version_restored",
        targetType: "deployment",
        targetId: d.id,
        metadata: { endpoint: endpoint.name, name: d.name, from: v.version, version: next.version },
      },
      tx,
    );
    return next;
  });
  return presentDeployment(updated, endpoint.name, d.id === endpoint.defaultDeploymentId);
}

// The environment build of the deployment's current version: its files, status, pip's error and the build log.
export async function getDeploymentEnvironmentBuild(opts: { workspaceId: string; endpointName: string; name: string }) {
  const { d } = await load(opts);
  return getEnvironmentBuild({
    workspaceId: opts.workspaceId,
    codeRef: d.codePath,
    files: environmentOf(d),
    interpreter: d.interpreter,
    environmentVariables: (d.environmentVariables ?? {}) as Record<string, string>,
  });
}
