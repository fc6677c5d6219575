import "server-only";
import { buffer } from "node:stream/consumers";
import { getStorageTargetOrThrow } from "@/lib/datastores/datastores";
import { db } from "@/lib/db";
import { legacyModelLayout } from "@/lib/models/model-layout";
import { downloadBlob, listBlobs } from "@/lib/storage";
import { isFileSetRef, putFileSet } from "@/lib/storage/platform-files";
import { ACTIVE_JOB_STATUSES } from "@/shared/job-status";

async function readLegacyFiles(workspaceId: string, datastoreId: string | null, prefix: string) {
  const ds = await db.datastore.findFirst({ where: { id: datastoreId ?? "", workspaceId }, select: { name: true } });
  if (!ds) return null;
  const target = await getStorageTargetOrThrow({ workspaceId, name: ds.name });
  const files: { path: string; data: Buffer }[] = [];
  const refused: string[] = [];
  for await (const page of listBlobs(target, prefix, 1000, (r) => refused.push(r.name))) {
    for (const b of page)
      if (b.path.length > prefix.length)
        files.push({ path: b.path.slice(prefix.length), data: await buffer(await downloadBlob(target, b.path)) });
  }
  return { files, refused };
}

/**
 * One-time move of platform files written before 0007: deployment code and model versions kept in
 * the tenant's workspaceblobstore under `_batchpoint/` are copied into the workspace's platform
 * container by content, their rows point at the new reference, and unfinished jobs' snapshots are
 * rewritten to match. Model versions get Azure's layout (see legacyModelLayout). Runs at every start;
 * rows already migrated are skipped, so it is safe to run again.
 */
export async function migratePlatformFiles(log: (line: string) => void = () => {}) {
  const moved = new Map<string, string>(); // legacy "workspace|datastore|prefix" -> sha256 reference
  const key = (ws: string, ds: string | null, p: string) => `${ws}|${ds ?? ""}|${p}`;
  let deployments = 0;
  let models = 0;

  const legacyDeployments = await db.deployment.findMany({
    where: { NOT: { codePath: { startsWith: "sha256:" } } },
    select: { id: true, workspaceId: true, codeDatastoreId: true, codePath: true, name: true },
  });
  for (const d of legacyDeployments) {
    if (!d.codePath) continue;
    const read = await readLegacyFiles(d.workspaceId, d.codeDatastoreId, d.codePath);
    if (!read?.files.length) {
      log(
        `platform files: deployment ${d.name} (${d.id}) has no code at ${d.codePath}; left as it is (its jobs will fail until it is redeployed)`,
      );
      continue;
    }
    if (read.refused.length) log(`platform files: deployment ${d.name}: skipped ${read.refused.length} file(s) with unsafe names`);
    const { ref } = await putFileSet({ workspaceId: d.workspaceId, files: read.files });
    await db.deployment.update({ where: { id: d.id }, data: { codePath: ref, codeDatastoreId: null } });
    moved.set(key(d.workspaceId, d.codeDatastoreId, d.codePath), ref);
    deployments += 1;
  }

  const legacyModels = await db.modelVersion.findMany({
    where: { NOT: { path: { startsWith: "sha256:" } } },
    select: { id: true, workspaceId: true, datastoreId: true, path: true },
  });
  for (const mv of legacyModels) {
    const read = await readLegacyFiles(mv.workspaceId, mv.datastoreId, mv.path);
    if (!read?.files.length) {
      log(`platform files: model version ${mv.id} has no files at ${mv.path}; left as it is`);
      continue;
    }
    const paths = legacyModelLayout(read.files.map((f) => f.path));
    const { ref } = await putFileSet({ workspaceId: mv.workspaceId, files: read.files.map((f, i) => ({ path: paths[i], data: f.data })) });
    await db.modelVersion.update({ where: { id: mv.id }, data: { path: ref, datastoreId: null } });
    moved.set(key(mv.workspaceId, mv.datastoreId, mv.path), ref);
    models += 1;
  }

  // Jobs not yet finished run with the deployment as snapshotted at invoke: point them at the copies.
  let jobs = 0;
  if (moved.size) {
    const open = await db.job.findMany({
      where: { status: { in: [...ACTIVE_JOB_STATUSES] } },
      select: { id: true, workspaceId: true, settings: true },
    });
    for (const j of open) {
      const s = j.settings as {
        deployment?: { codeDatastoreId: string | null; codePath: string | null; modelDatastoreId: string | null; modelPath: string | null };
      };
      const d = s.deployment;
      if (!d) continue;
      const code = d.codePath && !isFileSetRef(d.codePath) ? moved.get(key(j.workspaceId, d.codeDatastoreId, d.codePath)) : undefined;
      const model = d.modelPath && !isFileSetRef(d.modelPath) ? moved.get(key(j.workspaceId, d.modelDatastoreId, d.modelPath)) : undefined;
      if (!code && !model) continue;
      const next = {
        ...s,
        deployment: {
          ...d,
          ...(code ? { codePath: code, codeDatastoreId: null } : {}),
          ...(model ? { modelPath: model, modelDatastoreId: null } : {}),
        },
      };
      await db.job.update({ where: { id: j.id }, data: { settings: next } });
      jobs += 1;
    }
  }
  if (deployments || models || jobs)
    log(
      `platform files: moved ${deployments} deployment(s) and ${models} model version(s) to the platform store; updated ${jobs} unfinished job(s)`,
    );
  return { deployments, models, jobs };
}
