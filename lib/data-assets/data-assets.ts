import "server-only";
import { z } from "zod";
import { recordAuditEvent, type Actor } from "@/lib/audit/record-audit-event";
import { db } from "@/lib/db";
import { AppError, fieldError, isUniqueViolation, notFound } from "@/lib/errors";
import { DataPathError, formatDataPath, parseDataPath } from "@/lib/jobs/data-paths";
import { paginate } from "@/lib/pagination";

/** Azure's rule for data asset names: letters, digits, '-', '_' and '.', starting with a letter or digit. */
export const dataAssetNameSchema = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,254}$/, "Use up to 255 letters, digits, '-', '_' or '.', starting with a letter or digit.");

/** Versions are strings, as on Azure ("1", "2026-11", "v2"); YAML's `version: 1` arrives as a number and is kept as "1". */
export const dataAssetVersionSchema = z
  .union([z.string(), z.number().int().min(0)])
  .transform((v) => String(v).trim())
  .pipe(
    z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, "Use up to 64 letters, digits, '-', '_' or '.', starting with a letter or digit.")
      .refine((v) => v !== "latest", "'latest' names the newest version; choose another."),
  );

export const DATA_ASSET_TYPES = ["uri_folder", "uri_file"] as const;

export const createDataAssetSchema = z.object({
  name: dataAssetNameSchema,
  version: dataAssetVersionSchema.optional(),
  type: z.enum(DATA_ASSET_TYPES, { error: "Use uri_folder (every file under a folder) or uri_file (one file)." }),
  path: z.string().trim().min(1, "Give the data's location: datastores/<datastore>/paths/<path> (or azureml://datastores/...)."),
  description: z.string().trim().max(1000, "Use at most 1,000 characters.").optional(),
});
export type CreateDataAssetInput = z.input<typeof createDataAssetSchema>;

type Row = {
  name: string;
  version: string;
  type: string;
  path: string;
  description: string | null;
  createdBy: string | null;
  createdAt: Date;
};

/** A data asset version as the API shows it. */
export function presentDataAsset(r: Row) {
  return {
    name: r.name,
    version: r.version,
    type: r.type,
    path: r.path,
    description: r.description,
    createdBy: r.createdBy,
    createdAt: r.createdAt,
  };
}

/** A path an asset may point at, normalised: a datastore of the workspace, or a public blob URL (a SAS would be stored in plain text). */
async function assetPath(workspaceId: string, raw: string, type: string): Promise<string> {
  let p;
  try {
    p = parseDataPath(raw);
  } catch (e) {
    if (e instanceof DataPathError) throw fieldError("path", e.message);
    throw e;
  }
  if (p.kind === "url" && p.sas)
    throw fieldError(
      "path",
      "A data asset may not hold a SAS token: register the container as a datastore and use datastores/<datastore>/paths/<path>.",
    );
  if (p.kind === "datastore") {
    const ds = await db.datastore.findFirst({ where: { workspaceId, name: p.datastore }, select: { id: true } });
    if (!ds) throw fieldError("path", `This workspace has no datastore named '${p.datastore}'.`, "NOT_FOUND");
  }
  if (type === "uri_file" && (!p.path || p.path.endsWith("/"))) throw fieldError("path", "A uri_file asset names one file, not a folder.");
  const formatted = formatDataPath(p);
  return type === "uri_folder" && p.path && !formatted.endsWith("/") ? `${formatted}/` : formatted;
}

async function actorLabel(actor: Actor): Promise<string | null> {
  if (actor.userId) return (await db.user.findUnique({ where: { id: actor.userId }, select: { email: true } }))?.email ?? null;
  if (actor.tokenId) {
    const t = await db.apiToken.findUnique({ where: { id: actor.tokenId }, select: { name: true } });
    return t ? `token ${t.name}` : null;
  }
  return null;
}

/** The next integer version of an asset: one more than its highest integer version, "1" for a new name. */
async function nextVersion(workspaceId: string, name: string): Promise<string> {
  const rows = await db.dataAsset.findMany({ where: { workspaceId, name }, select: { version: true } });
  const ints = rows.map((r) => (/^\d+$/.test(r.version) ? Number(r.version) : 0));
  return String(Math.max(0, ...ints) + 1);
}

// Registers a data asset version (Azure's `az ml data create`); an existing version is a 409.
export async function createDataAsset(opts: { workspaceId: string; actor: Actor; input: CreateDataAssetInput }) {
  const input = createDataAssetSchema.parse(opts.input);
  const path = await assetPath(opts.workspaceId, input.path, input.type);
  const createdBy = await actorLabel(opts.actor);
  for (let attempt = 0; ; attempt++) {
    const version = input.version ?? (await nextVersion(opts.workspaceId, input.name));
    try {
      const row = await db.dataAsset.create({
        data: {
          workspaceId: opts.workspaceId,
          name: input.name,
          version,
          type: input.type,
          path,
          description: input.description ?? null,
          createdById: opts.actor.userId ?? null,
          createdBy,
        },
      });
      await recordAuditEvent({
        workspaceId: opts.workspaceId,
        actor: opts.actor,
        action: "data.created",
        targetType: "data_asset",
        targetId: row.id,
        metadata: { name: row.name, version },
      });
      return presentDataAsset(row);
    } catch (e) {
      if (!isUniqueViolation(e)) throw e;
      // Two creates without a version raced for the same number: take the next one.
      if (!input.version && attempt < 3) continue;
      throw fieldError(
        "version",
        `Data asset '${input.name}' already has version '${version}'. Choose another version, or leave it out for the next number.`,
        "CONFLICT",
      );
    }
  }
}

// Data assets by name with their newest version (Azure's `az ml data list`).
export async function findDataAssets(opts: { workspaceId: string; q?: string; page?: number; perPage?: number }) {
  const { skip, take, wrap } = paginate(opts);
  const where = { workspaceId: opts.workspaceId, ...(opts.q ? { name: { contains: opts.q, mode: "insensitive" as const } } : {}) };
  const names = await db.dataAsset.groupBy({ by: ["name"], where, orderBy: { name: "asc" }, _count: { _all: true } });
  const pageNames = names.slice(skip, skip + take);
  const latest = pageNames.length
    ? await db.dataAsset.findMany({
        where: { workspaceId: opts.workspaceId, name: { in: pageNames.map((n) => n.name) } },
        orderBy: [{ name: "asc" }, { createdAt: "desc" }],
        distinct: ["name"],
      })
    : [];
  const byName = new Map(latest.map((r) => [r.name, r]));
  return wrap(
    pageNames.map((n) => {
      const r = byName.get(n.name)!;
      return {
        name: n.name,
        latestVersion: r.version,
        type: r.type,
        path: r.path,
        description: r.description,
        versionCount: n._count._all,
        updatedAt: r.createdAt,
      };
    }),
    names.length,
  );
}

// The versions of one data asset, newest first.
export async function findDataAssetVersions(opts: { workspaceId: string; name: string; page?: number; perPage?: number }) {
  const { skip, take, wrap } = paginate(opts);
  const where = { workspaceId: opts.workspaceId, name: opts.name };
  const [rows, count] = await Promise.all([
    db.dataAsset.findMany({ where, orderBy: { createdAt: "desc" }, skip, take }),
    db.dataAsset.count({ where }),
  ]);
  if (!count) throw notFound(`Data asset '${opts.name}'`);
  return wrap(rows.map(presentDataAsset), count);
}

/** One version of a data asset; "latest" is the newest. */
export async function getDataAssetOrThrow(opts: { workspaceId: string; name: string; version: string }) {
  const row = await db.dataAsset.findFirst({
    where: { workspaceId: opts.workspaceId, name: opts.name, ...(opts.version === "latest" ? {} : { version: opts.version }) },
    orderBy: { createdAt: "desc" },
  });
  if (!row) {
    const any = await db.dataAsset.count({ where: { workspaceId: opts.workspaceId, name: opts.name } });
    throw notFound(any ? `Version '${opts.version}' of data asset '${opts.name}'` : `Data asset '${opts.name}'`);
  }
  return presentDataAsset(row);
}

// Deletes one version; jobs that already ran with it keep the path they resolved.
export async function deleteDataAsset(opts: { workspaceId: string; actor: Actor; name: string; version: string }) {
  const row = await db.dataAsset.findFirst({
    where: { workspaceId: opts.workspaceId, name: opts.name, version: opts.version },
    select: { id: true },
  });
  if (!row) throw notFound(`Version '${opts.version}' of data asset '${opts.name}'`);
  await db.dataAsset.delete({ where: { id: row.id } });
  await recordAuditEvent({
    workspaceId: opts.workspaceId,
    actor: opts.actor,
    action: "data.deleted",
    targetType: "data_asset",
    targetId: row.id,
    metadata: { name: opts.name, version: opts.version },
  });
}

const ASSET_REF = /^azureml:(?!\/\/)([A-Za-z0-9][A-Za-z0-9_.-]*)(?:@(latest)|:([A-Za-z0-9][A-Za-z0-9_.-]*))$/;

/** `azureml:<name>@latest` or `azureml:<name>:<version>` as parts, else null (a path or URL). */
export function parseDataAssetRef(path: string): { name: string; version: string } | null {
  const m = ASSET_REF.exec(path.trim());
  return m ? { name: m[1], version: m[2] ?? m[3] } : null;
}

/**
 * A job's data input with a data asset reference resolved to the asset's path and type, as Azure does at
 * submit; any other input is returned as it is. `tabular` over a uri_file asset stays tabular (a CSV split by rows).
 */
export async function resolveDataAssetInput<T extends { type: string; path: string }>(opts: {
  workspaceId: string;
  input: T;
  field?: string;
}): Promise<T & { asset?: string }> {
  const ref = parseDataAssetRef(opts.input.path);
  if (!ref) return opts.input;
  const field = opts.field ?? "input.path";
  let asset;
  try {
    asset = await getDataAssetOrThrow({ workspaceId: opts.workspaceId, name: ref.name, version: ref.version });
  } catch (e) {
    if (e instanceof AppError) throw fieldError(field, `${e.message} Register it with POST /api/v1/data (batchpoint data create).`, e.code);
    throw e;
  }
  const type = opts.input.type === "tabular" && asset.type === "uri_file" ? "tabular" : asset.type;
  return { ...opts.input, type, path: asset.path, asset: `${asset.name}:${asset.version}` } as T & { asset?: string };
}
