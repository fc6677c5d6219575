import "server-only";
import { db } from "@/lib/db";
import { notFound } from "@/lib/errors";
import { getStorageTargetOrThrow } from "@/lib/datastores/datastores";
import { paginate } from "@/lib/pagination";
import { listBlobs } from "@/lib/storage";
import { isFileSetRef, readFileSetManifest } from "@/lib/storage/platform-files";

// Registered models with their newest version and version count.
export async function findModels(opts: { workspaceId: string; page?: number; perPage?: number }) {
  const { skip, take, wrap } = paginate(opts);
  const where = { workspaceId: opts.workspaceId };
  const [rows, count] = await Promise.all([
    db.model.findMany({
      where,
      orderBy: { name: "asc" },
      skip,
      take,
      include: {
        versions: { orderBy: { createdAt: "desc" }, take: 1, select: { version: true, createdAt: true } },
        _count: { select: { versions: true } },
      },
    }),
    db.model.count({ where }),
  ]);
  return wrap(
    rows.map((m) => ({
      id: m.id,
      name: m.name,
      description: m.description,
      latestVersion: m.versions[0]?.version ?? null,
      versionCount: m._count.versions,
      updatedAt: m.versions[0]?.createdAt ?? m.createdAt,
    })),
    count,
  );
}

export async function getModelOrThrow(opts: { workspaceId: string; name: string }) {
  const model = await db.model.findFirst({
    where: { workspaceId: opts.workspaceId, name: opts.name },
    include: { versions: { orderBy: { createdAt: "desc" } } },
  });
  if (!model) throw notFound(`Model '${opts.name}'`);
  return model;
}

// Every model version as "name:version", newest first, for pickers.
export async function listModelVersionRefs(opts: { workspaceId: string }) {
  const rows = await db.modelVersion.findMany({
    where: { workspaceId: opts.workspaceId },
    orderBy: { createdAt: "desc" },
    take: 500,
    select: { version: true, model: { select: { name: true } } },
  });
  return rows.map((r) => `${r.model.name}:${r.version}`);
}

// The files of one model version, as they sit under AZUREML_MODEL_DIR.
export async function listModelVersionFiles(opts: { workspaceId: string; name: string; version: string }) {
  const mv = await db.modelVersion.findFirst({
    where: { workspaceId: opts.workspaceId, version: opts.version, model: { name: opts.name } },
    select: { path: true, datastoreId: true },
  });
  if (!mv) throw notFound(`Version ${opts.version} of model '${opts.name}'`);
  if (isFileSetRef(mv.path)) {
    const manifest = await readFileSetManifest({ workspaceId: opts.workspaceId, ref: mv.path });
    return manifest.files.map((f) => ({ path: f.path, size: f.size }));
  }
  const ds = await db.datastore.findFirstOrThrow({
    where: { id: mv.datastoreId ?? "", workspaceId: opts.workspaceId },
    select: { name: true },
  });
  const target = await getStorageTargetOrThrow({ workspaceId: opts.workspaceId, name: ds.name });
  const files: { path: string; size: number }[] = [];
  for await (const page of listBlobs(target, mv.path))
    for (const b of page) files.push({ path: b.path.slice(mv.path.length), size: b.size });
  return files;
}
