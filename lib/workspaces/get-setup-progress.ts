import "server-only";
import { getDefaultStorageTarget } from "@/lib/datastores/datastores";
import { PLATFORM_PREFIX } from "@/lib/datastores/default-datastore";
import { db } from "@/lib/db";
import { listFolder } from "@/lib/storage";

// How far a new workspace is along the first run (data, endpoint, deployment, job), for the guide on the empty dashboard.
export async function getSetupProgress(opts: { workspaceId: string }) {
  const [endpoints, deployments, jobs] = await Promise.all([
    db.endpoint.count({ where: { workspaceId: opts.workspaceId } }),
    db.deployment.count({ where: { workspaceId: opts.workspaceId } }),
    db.job.count({ where: { workspaceId: opts.workspaceId } }),
  ]);
  let data = jobs > 0;
  if (!data) {
    // One small listing of workspaceblobstore's top level; the platform's own folder does not count.
    const root = await listFolder(await getDefaultStorageTarget(opts.workspaceId), "", { pageSize: 10 }).catch(() => ({
      folders: [],
      files: [],
    }));
    data = root.files.length > 0 || root.folders.some((f) => f !== PLATFORM_PREFIX);
  }
  return { data, endpoint: endpoints > 0, deployment: deployments > 0, job: jobs > 0 };
}
