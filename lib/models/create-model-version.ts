import "server-only";
import { z } from "zod";
import { recordAuditEvent, type Actor } from "@/lib/audit/record-audit-event";
import { db } from "@/lib/db";
import { AppError, fieldError, isUniqueViolation } from "@/lib/errors";
import { nameProblem, printable } from "@/lib/storage/names";
import { putFileSet } from "@/lib/storage/platform-files";
import { resourceNameSchema } from "@/lib/validation";
import { modelLayout } from "./model-layout";

/** A relative file path by the one rule of lib/storage/names.ts (no '..', backslashes, control characters, ...). */
export const filePathSchema = z
  .string()
  .trim()
  .min(1)
  .max(512)
  .superRefine((p, ctx) => {
    const problem = nameProblem(p);
    if (problem) ctx.addIssue({ code: "custom", message: `The path ${problem}. Use a relative path with '/' between folders.` });
  });

export const createModelVersionSchema = z.object({
  name: resourceNameSchema,
  version: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9._-]{1,32}$/, "Use up to 32 letters, digits, '.', '_' or '-'.")
    .optional(),
  description: z.string().max(1000).optional(),
  /**
   * The registered folder's (or file's) own name, as Azure ML keeps it: a model registered from
   * `deployment-torch/model` has root `model`, and its files sit at `$AZUREML_MODEL_DIR/model/...`.
   * Without it the files' paths are taken as they are under AZUREML_MODEL_DIR.
   */
  root: z
    .string()
    .trim()
    .max(255)
    .superRefine((r, ctx) => {
      const problem = nameProblem(r);
      if (problem || r.includes("/"))
        ctx.addIssue({ code: "custom", message: "Give the registered folder's or file's own name, e.g. model (no '/')." });
    })
    .optional(),
});

/**
 * Registers a model version from its files, stored by content in the workspace's platform container
 * (no datastore API reaches it). Without a version the next integer is used, as in Azure ML.
 */
export async function createModelVersion(opts: {
  workspaceId: string;
  actor: Actor;
  input: z.input<typeof createModelVersionSchema>;
  files: { path: string; data: Buffer }[];
}) {
  const input = createModelVersionSchema.parse(opts.input);
  if (!opts.files.length) throw fieldError("files", "Attach at least one model file.");
  for (const f of opts.files) {
    const r = filePathSchema.safeParse(f.path);
    if (!r.success) throw fieldError("files", `'${printable(f.path)}': ${r.error.issues[0].message}`);
  }
  const paths = modelLayout(opts.files, input.root);
  const model = await db.model.upsert({
    where: { workspaceId_name: { workspaceId: opts.workspaceId, name: input.name } },
    create: { workspaceId: opts.workspaceId, name: input.name, description: input.description },
    update: {},
    include: { versions: { select: { version: true } } },
  });
  const version = input.version ?? String(model.versions.reduce((max, v) => Math.max(max, Number(v.version) || 0), 0) + 1);
  if (model.versions.some((v) => v.version === version)) {
    throw fieldError("version", `Model '${input.name}' already has version ${version}. Versions are immutable: use a new one.`, "CONFLICT");
  }
  const { ref } = await putFileSet({ workspaceId: opts.workspaceId, files: opts.files.map((f, i) => ({ path: paths[i], data: f.data })) });
  try {
    const mv = await db.modelVersion.create({
      data: {
        workspaceId: opts.workspaceId,
        modelId: model.id,
        version,
        description: input.description,
        datastoreId: null,
        path: ref,
        fileCount: opts.files.length,
        sizeBytes: BigInt(opts.files.reduce((n, f) => n + f.data.length, 0)),
        createdById: opts.actor.userId ?? null,
      },
    });
    await recordAuditEvent({
      workspaceId: opts.workspaceId,
      actor: opts.actor,
      action: "model.version_created",
      targetType: "model",
      targetId: model.id,
      metadata: { name: input.name, version },
    });
    return { model, version: mv };
  } catch (e) {
    if (isUniqueViolation(e))
      throw new AppError("CONFLICT", `Model '${input.name}' version ${version} was registered at the same time by someone else.`);
    throw e;
  }
}

/** Resolves "name:version" (or "name" for the newest) to a model version of the workspace. */
export async function resolveModelVersion(opts: { workspaceId: string; ref: string }) {
  const [name, version] = opts.ref.split(":");
  const mv = await db.modelVersion.findFirst({
    where: { workspaceId: opts.workspaceId, model: { name }, ...(version ? { version } : {}) },
    orderBy: { createdAt: "desc" },
  });
  if (!mv)
    throw fieldError(
      "model",
      version ? `Model '${name}' has no version ${version}.` : `No model named '${name}' is registered.`,
      "NOT_FOUND",
    );
  return mv;
}
