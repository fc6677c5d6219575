import "server-only";
import { z } from "zod";
import { recordAuditEvent, type Actor } from "@/lib/audit/record-audit-event";
import { db } from "@/lib/db";
import { AppError, fieldError, isUniqueViolation } from "@/lib/errors";
import { filePathSchema, resolveModelVersion } from "@/lib/models/create-model-version";
import { getEndpointOrThrow } from "@/lib/endpoints/find-endpoints";
import { nameProblem } from "@/lib/storage/names";
import { putFileSet } from "@/lib/storage/platform-files";
import { resourceNameSchema } from "@/lib/validation";
import { parseCondaFile, parseRequirements } from "@/lib/scoring/environments/spec";
import { recordDeploymentVersion } from "./deployment-versions";
import { codeFilesSchema, deploymentSettingsSchema } from "./settings";

/**
 * Azure's `environment.conda_file` (its pip section) or a pip requirements file, each a path inside
 * the deployment's code: the server builds a virtual environment from it (lib/scoring/environments).
 */
export const environmentFilesSchema = z
  .object({
    condaFile: filePathSchema.nullable().optional(),
    requirementsFile: filePathSchema.nullable().optional(),
  })
  .strict();

type CodeFiles = Record<string, Buffer>;

/** Each environment file named must be among the code files, and readable as what it claims to be. */
export function checkEnvironmentFiles(
  env: z.infer<typeof environmentFilesSchema> | null | undefined,
  names: string[],
  files: CodeFiles | null,
  ctx: { addIssue: (i: { code: "custom"; path: (string | number)[]; message: string }) => void },
  at: (string | number)[] = ["environment"],
): void {
  if (!env) return;
  for (const key of ["condaFile", "requirementsFile"] as const) {
    const file = env[key];
    if (!file) continue;
    if (!names.includes(file)) {
      ctx.addIssue({
        code: "custom",
        path: [...at, key],
        message: `'${file}' is not among the deployment's code files; upload it with the code (paths are relative to the code folder).`,
      });
      continue;
    }
    const bytes = files?.[file];
    if (!bytes) continue;
    try {
      const text = bytes.toString("utf8");
      if (key === "condaFile") parseCondaFile(text, file);
      else parseRequirements(text, file);
    } catch (e) {
      ctx.addIssue({ code: "custom", path: [...at, key], message: (e as Error).message });
    }
  }
}

export const createDeploymentSchema = z
  .object({
    name: resourceNameSchema,
    description: z.string().max(1000).optional(),
    model: z.string().trim().min(1).optional(),
    runtime: z.enum(["python", "node"], { error: "Use python or node." }).default("python"),
    interpreter: z.string().trim().max(256).optional(),
    code: z.object({ files: codeFilesSchema }),
    scoringScript: filePathSchema,
    settings: deploymentSettingsSchema.default(deploymentSettingsSchema.parse({})),
    environment: environmentFilesSchema.nullable().optional(),
    setDefault: z.boolean().optional(),
  })
  .superRefine((d, ctx) => {
    const names = Object.keys(d.code.files);
    checkEnvironmentFiles(d.environment, names, d.code.files, ctx);
    if (d.environment && (d.environment.condaFile || d.environment.requirementsFile) && d.runtime !== "python")
      ctx.addIssue({
        code: "custom",
        path: ["environment"],
        message: "Only python deployments get a built environment; remove environment for a node deployment.",
      });
    if (!names.length)
      ctx.addIssue({ code: "custom", path: ["code", "files"], message: "Upload the scoring code: at least the scoring script." });
    for (const n of names) {
      const problem = nameProblem(n);
      if (problem)
        ctx.addIssue({
          code: "custom",
          path: ["code", "files", n],
          message: `This file name ${problem}. Use a relative path with '/' between folders.`,
        });
    }
    if (names.length && !names.includes(d.scoringScript)) {
      ctx.addIssue({
        code: "custom",
        path: ["scoringScript"],
        message: `'${d.scoringScript}' is not among the uploaded code files (${names.slice(0, 5).join(", ")}).`,
      });
    }
    const ext = d.scoringScript.split(".").pop();
    if (d.runtime === "python" && ext !== "py")
      ctx.addIssue({ code: "custom", path: ["scoringScript"], message: "A python deployment's scoring script ends in .py." });
    if (d.runtime === "node" && !["js", "mjs"].includes(ext ?? ""))
      ctx.addIssue({ code: "custom", path: ["scoringScript"], message: "A node deployment's scoring script ends in .js or .mjs." });
  });
export type CreateDeploymentInput = z.input<typeof createDeploymentSchema>;

/** Stores scoring code in the workspace's platform container; returns its content reference (sha256:...). */
export async function storeDeploymentCode(workspaceId: string, files: Record<string, string | Buffer>): Promise<string> {
  const { ref } = await putFileSet({
    workspaceId,
    files: Object.entries(files).map(([path, data]) => ({ path, data })),
    field: "code.files",
  });
  return ref;
}

// Creates a deployment under an endpoint: code stored by content in the platform's container (no tenant API reaches it), settings validated; the first becomes the default unless setDefault is false.
export async function createDeployment(opts: { workspaceId: string; actor: Actor; endpointName: string; input: CreateDeploymentInput }) {
  const input = createDeploymentSchema.parse(opts.input);
  const endpoint = await getEndpointOrThrow({ workspaceId: opts.workspaceId, name: opts.endpointName });
  const modelVersion = input.model ? await resolveModelVersion({ workspaceId: opts.workspaceId, ref: input.model }) : null;
  const exists = await db.deployment.findFirst({
    where: { workspaceId: opts.workspaceId, endpointId: endpoint.id, name: input.name },
    select: { id: true },
  });
  if (exists) throw fieldError("name", `Endpoint '${endpoint.name}' already has a deployment named '${input.name}'.`, "CONFLICT");
  const codeRef = await storeDeploymentCode(opts.workspaceId, input.code.files);
  const s = input.settings;
  try {
    const deployment = await db.$transaction(async (tx) => {
      const d = await tx.deployment.create({
        data: {
          workspaceId: opts.workspaceId,
          endpointId: endpoint.id,
          name: input.name,
          description: input.description,
          modelVersionId: modelVersion?.id ?? null,
          runtime: input.runtime,
          interpreter: input.interpreter || null,
          codeDatastoreId: null,
          codePath: codeRef,
          scoringScript: input.scoringScript,
          miniBatchSize: s.miniBatchSize,
          instanceCount: s.instanceCount,
          maxConcurrencyPerInstance: s.maxConcurrencyPerInstance,
          maxRetries: s.retrySettings.maxRetries,
          timeoutSeconds: s.retrySettings.timeout,
          errorThreshold: s.errorThreshold,
          outputAction: s.outputAction,
          outputFileName: s.outputFileName,
          loggingLevel: s.loggingLevel,
          environmentVariables: s.environmentVariables,
          sandboxSettings: s.sandboxSettings,
          condaFile: input.environment?.condaFile ?? null,
          requirementsFile: input.environment?.requirementsFile ?? null,
          supportsExplanations: s.supportsExplanations,
          createdById: opts.actor.userId ?? null,
        },
        include: { modelVersion: { include: { model: true } } },
      });
      await recordDeploymentVersion(tx, d);
      // An explicit false is honoured even for the first deployment; only an unsaid choice defaults to it.
      if (input.setDefault === true || (input.setDefault === undefined && !endpoint.defaultDeploymentId)) {
        await tx.endpoint.update({ where: { id: endpoint.id }, data: { defaultDeploymentId: d.id } });
      }
      await recordAuditEvent(
        {
          workspaceId: opts.workspaceId,
          actor: opts.actor,
          action: "deployment.created",
          targetType: "deployment",
          targetId: d.id,
          metadata: { endpoint: endpoint.name, name: d.name },
        },
        tx,
      );
      return d;
    });
    return deployment;
  } catch (e) {
    if (isUniqueViolation(e)) throw new AppError("CONFLICT", `Endpoint '${endpoint.name}' already has a deployment named '${input.name}'.`);
    throw e;
  }
}

/** A deployment of an endpoint by name, or the endpoint's default. */
export async function resolveDeployment(opts: { workspaceId: string; endpointName: string; deploymentName?: string }) {
  const endpoint = await getEndpointOrThrow({ workspaceId: opts.workspaceId, name: opts.endpointName });
  const where = opts.deploymentName
    ? { workspaceId: opts.workspaceId, endpointId: endpoint.id, name: opts.deploymentName }
    : endpoint.defaultDeploymentId
      ? { workspaceId: opts.workspaceId, id: endpoint.defaultDeploymentId }
      : null;
  if (!where) throw fieldError("deploymentName", `Endpoint '${endpoint.name}' has no default deployment. Name one, or set a default.`);
  const deployment = await db.deployment.findFirst({ where, include: { modelVersion: true } });
  if (!deployment)
    throw fieldError("deploymentName", `Endpoint '${endpoint.name}' has no deployment named '${opts.deploymentName}'.`, "NOT_FOUND");
  return { endpoint, deployment };
}
