import "server-only";
import { z } from "zod";
import { recordAuditEvent, type Actor } from "@/lib/audit/record-audit-event";
import { getDefaultStorageTarget } from "@/lib/datastores/datastores";
import { PLATFORM_PREFIX } from "@/lib/datastores/default-datastore";
import { db } from "@/lib/db";
import { AppError, fieldError, isUniqueViolation } from "@/lib/errors";
import { uploadBlob } from "@/lib/storage";
import { resourceNameSchema } from "@/lib/validation";

export const filePathSchema = z
  .string()
  .trim()
  .min(1)
  .max(512)
  .refine((p) => !p.startsWith("/") && !p.split("/").some((s) => s === ".." || s === ""), "Use a relative path without '..' or empty segments.");

export const createModelVersionSchema = z.object({
  name: resourceNameSchema,
  version: z.string().trim().regex(/^[A-Za-z0-9._-]{1,32}$/, "Use up to 32 letters, digits, '.', '_' or '-'.").optional(),
  description: z.string().max(1000).optional(),
});

export function modelPrefix(name: string, version: string) {
  return `${PLATFORM_PREFIX}models/${name}/${version}/`;
}

/**
 * Registers a model version from its files (stored in workspaceblobstore). Without a version the
 * next integer is used, as in Azure ML.
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
    if (!r.success) throw fieldError("files", `'${f.path}': ${r.error.issues[0].message}`);
  }
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
  const target = await getDefaultStorageTarget(opts.workspaceId);
  const prefix = modelPrefix(input.name, version);
  for (const f of opts.files) await uploadBlob(target, prefix + f.path, f.data);
  try {
    const mv = await db.modelVersion.create({
      data: {
        workspaceId: opts.workspaceId, modelId: model.id, version, description: input.description, datastoreId: target.datastoreId, path: prefix,
        fileCount: opts.files.length, sizeBytes: BigInt(opts.files.reduce((n, f) => n + f.data.length, 0)), createdById: opts.actor.userId ?? null,
      },
    });
    await recordAuditEvent({ workspaceId: opts.workspaceId, actor: opts.actor, action: "model.version_created", targetType: "model", targetId: model.id, metadata: { name: input.name, version } });
    return { model, version: mv };
  } catch (e) {
    if (isUniqueViolation(e)) throw new AppError("CONFLICT", `Model '${input.name}' version ${version} was registered at the same time by someone else.`);
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
  if (!mv) throw fieldError("model", version ? `Model '${name}' has no version ${version}.` : `No model named '${name}' is registered.`, "NOT_FOUND");
  return mv;
}
