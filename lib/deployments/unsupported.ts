import "server-only";
import { db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { isFileSetRef, readFileSetManifest } from "@/lib/storage/platform-files";

const INSTEAD =
  "Write a scoring script with init() and run(mini_batch) that loads the model from AZUREML_MODEL_DIR, and give it as code.files and scoringScript; see docs/from-azure-ml.md.";

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** True when a model version's files hold an MLflow `MLmodel` file (at its root or one folder down, as Azure registers it). */
async function hasMlmodelFile(workspaceId: string, ref: string): Promise<boolean> {
  const [name, version] = ref.replace(/^azureml:/, "").split(/[:@]/);
  const mv = await db.modelVersion.findFirst({
    where: { workspaceId, model: { name }, ...(version && version !== "latest" ? { version } : {}) },
    orderBy: { createdAt: "desc" },
    select: { path: true },
  });
  if (!mv || !isFileSetRef(mv.path)) return false;
  const manifest = await readFileSetManifest({ workspaceId, ref: mv.path });
  return manifest.files.some((f) => /^(?:[^/]+\/)?MLmodel$/.test(f.path));
}

/**
 * Refuses the two Azure deployment kinds Batchpoint does not run, with a message that says so and what to do
 * instead, before the generic "scoring script missing" message could hide the reason: `type: pipeline`
 * (pipeline component deployments) and MLflow no-code deployments (a model with an MLmodel file and no code).
 */
export async function refuseUnsupportedDeployment(opts: { workspaceId: string; body: unknown }): Promise<void> {
  const body = opts.body;
  if (!isRecord(body)) return;
  if (typeof body.type === "string" && body.type.toLowerCase() === "pipeline") {
    throw new AppError(
      "BAD_REQUEST",
      `Pipeline deployments (type: pipeline) are not supported: Batchpoint runs one model with a scoring script per deployment. ${INSTEAD}`,
      {
        fieldErrors: { type: ["Pipeline deployments are not supported; deploy a model with a scoring script."] },
      },
    );
  }
  if ("component" in body) {
    throw new AppError("BAD_REQUEST", `Pipeline component deployments (component: ...) are not supported. ${INSTEAD}`, {
      fieldErrors: { component: ["Pipeline components are not supported."] },
    });
  }
  const noCode =
    body.code === undefined &&
    body.scoringScript === undefined &&
    body.code_configuration === undefined &&
    body.codeConfiguration === undefined;
  if (noCode && typeof body.model === "string" && body.model.trim() && (await hasMlmodelFile(opts.workspaceId, body.model.trim()))) {
    throw new AppError(
      "BAD_REQUEST",
      `MLflow no-code deployments are not supported: model '${body.model}' has an MLmodel file but the deployment has no scoring script. ${INSTEAD}`,
      {
        fieldErrors: { scoringScript: ["MLflow no-code deployments are not supported; add a scoring script."] },
      },
    );
  }
}

/**
 * Azure's REST name for the instance count, `resources.instanceCount`, read as `settings.instanceCount`
 * (the body's other settings already use Azure's REST names). Giving both with different values is an error.
 */
export function readAzureResources(body: unknown): unknown {
  if (!isRecord(body) || !isRecord(body.resources)) return body;
  const { resources, ...rest } = body;
  const known = new Set(["instanceCount", "instance_count"]);
  const extra = Object.keys(resources).filter((k) => !known.has(k));
  if (extra.length)
    throw new AppError("BAD_REQUEST", `Unknown field 'resources.${extra[0]}'; resources takes instanceCount only.`, {
      fieldErrors: Object.fromEntries(extra.map((k) => [`resources.${k}`, ["resources takes instanceCount only."]])),
    });
  const count = resources.instanceCount ?? resources.instance_count;
  if (count === undefined) return rest;
  const settings = isRecord(rest.settings) ? rest.settings : {};
  if (settings.instanceCount !== undefined && settings.instanceCount !== count) {
    throw new AppError("BAD_REQUEST", "resources.instanceCount and settings.instanceCount disagree; give one.", {
      fieldErrors: { "resources.instanceCount": ["Give either resources.instanceCount or settings.instanceCount."] },
    });
  }
  return { ...rest, settings: { ...settings, instanceCount: count } };
}
