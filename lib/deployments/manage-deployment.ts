import "server-only";
import { z } from "zod";
import { recordAuditEvent, type Actor } from "@/lib/audit/record-audit-event";
import { db } from "@/lib/db";
import { notFound } from "@/lib/errors";
import { getEndpointOrThrow } from "@/lib/endpoints/find-endpoints";
import { resolveModelVersion } from "@/lib/models/create-model-version";
import { createDeploymentSchema, storeDeploymentCode } from "./create-deployment";
import { presentEnvironmentVariables } from "./present-settings";
import { deploymentSettingsPatchSchema, MASK } from "./settings";

export { MASK };

/** A variable sent back with the mask keeps its saved value: the dashboard never holds secrets. */
function keepMaskedValues(next: Record<string, string>, saved: Record<string, string>) {
  return Object.fromEntries(Object.entries(next).map(([k, v]) => [k, v === MASK && k in saved ? saved[k] : v]));
}

type DeploymentRow = Awaited<ReturnType<typeof db.deployment.findFirstOrThrow>> & { modelVersion?: { version: string; model: { name: string } } | null };

/** A deployment as callers see it: settings grouped as in Azure, secret-looking variable values masked. */
export function presentDeployment(d: DeploymentRow, endpointName: string, isDefault: boolean) {
  const env = (d.environmentVariables ?? {}) as Record<string, string>;
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
    },
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
  const rows = await db.deployment.findMany({ where: { workspaceId: opts.workspaceId, endpointId: endpoint.id }, orderBy: { createdAt: "asc" }, include: { modelVersion: { include: { model: true } } } });
  return rows.map((d) => presentDeployment(d, endpoint.name, d.id === endpoint.defaultDeploymentId)).sort((a, b) => Number(b.isDefault) - Number(a.isDefault));
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
  setDefault: z.boolean().optional(),
});
export type UpdateDeploymentInput = z.input<typeof updateDeploymentSchema>;

/**
 * Updates a deployment. A change of code, model or settings makes a new version: jobs already
 * running keep the version they started with; new jobs use the new one.
 */
export async function updateDeployment(opts: { workspaceId: string; actor: Actor; endpointName: string; name: string; input: UpdateDeploymentInput }) {
  const input = updateDeploymentSchema.parse(opts.input);
  const { endpoint, d } = await load(opts);
  // Only a change of what runs makes a new version; description or default alone do not.
  const changesRun = !!(input.code || input.scoringScript || input.model !== undefined || input.interpreter !== undefined || input.settings);
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
  const modelVersionId = input.model === undefined ? d.modelVersionId : input.model === null ? null : (await resolveModelVersion({ workspaceId: opts.workspaceId, ref: input.model })).id;
  const s = input.settings ?? {};
  const updated = await db.deployment.update({
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
      ...(s.environmentVariables ? { environmentVariables: keepMaskedValues(s.environmentVariables, (d.environmentVariables ?? {}) as Record<string, string>) } : {}),
    },
    include: { modelVersion: { include: { model: true } } },
  });
  if (input.setDefault) await db.endpoint.update({ where: { id: endpoint.id }, data: { defaultDeploymentId: d.id } });
  await recordAuditEvent({ workspaceId: opts.workspaceId, actor: opts.actor, action: "deployment.updated", targetType: "deployment", targetId: d.id, metadata: { version } });
  return presentDeployment(updated, endpoint.name, input.setDefault || d.id === endpoint.defaultDeploymentId);
}

// Deletes a deployment; jobs keep its name. The endpoint's default is cleared if it was this one.
export async function deleteDeployment(opts: { workspaceId: string; actor: Actor; endpointName: string; name: string }) {
  const { endpoint, d } = await load(opts);
  await db.$transaction(async (tx) => {
    if (endpoint.defaultDeploymentId === d.id) await tx.endpoint.update({ where: { id: endpoint.id }, data: { defaultDeploymentId: null } });
    await tx.deployment.delete({ where: { id: d.id } });
  });
  await recordAuditEvent({ workspaceId: opts.workspaceId, actor: opts.actor, action: "deployment.deleted", targetType: "deployment", targetId: d.id, metadata: { endpoint: endpoint.name, name: d.name } });
}
