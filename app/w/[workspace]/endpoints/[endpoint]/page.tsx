import type { Metadata } from "next";
import Link from "next/link";
import { ButtonLink } from "@/components/ui/button";
import { Badge, Card, CardHeader, EmptyState, PageHeader } from "@/components/ui/card";
import { CopyButton } from "@/components/ui/copy-button";
import { formatDateTime } from "@/components/ui/format";
import { JobStatusBadge } from "@/components/ui/status-badge";
import { getPageContext, orNotFound } from "@/lib/auth/page-context";
import { findDeployments } from "@/lib/deployments/manage-deployment";
import { getEndpointOrThrow } from "@/lib/endpoints/find-endpoints";
import { findJobList } from "@/lib/jobs/find-job-list";
import { DeploymentsTable } from "./_components/deployments-table";
import { DeleteEndpointButton } from "./_components/delete-endpoint-button";

export const metadata: Metadata = { title: "Endpoint" };

export default async function EndpointPage({ params }: { params: Promise<{ workspace: string; endpoint: string }> }) {
  const { workspace: slug, endpoint: name } = await params;
  const ctx = await getPageContext(slug);
  const endpoint = await orNotFound(getEndpointOrThrow({ workspaceId: ctx.workspace.id, name }));
  const [deployments, jobs] = await Promise.all([
    findDeployments({ workspaceId: ctx.workspace.id, endpointName: name }),
    findJobList({ workspaceId: ctx.workspace.id, endpoint: name, perPage: 5 }),
  ]);
  const base = process.env.NEXTAUTH_URL ?? "";
  const invokeUrl = `${base}/api/v1/endpoints/${name}/jobs`;
  const curl = `curl -X POST ${invokeUrl} \\\n  -H "Authorization: Bearer $BATCHPOINT_TOKEN" -H "content-type: application/json" \\\n  -d '{"input":{"type":"uri_folder","path":"datastores/workspaceblobstore/paths/<folder>/"}}'`;
  const cli = `batchpoint endpoint invoke --name ${name} --input datastores/workspaceblobstore/paths/<folder>/ --wait`;
  const tags = Object.entries(endpoint.tags as Record<string, string>);
  return (
    <>
      <PageHeader
        title={endpoint.name}
        description={endpoint.description ?? undefined}
        actions={
          <>
            {ctx.can("job:invoke") && deployments.length ? (
              <ButtonLink href={`/w/${slug}/endpoints/${name}/invoke`}>Invoke</ButtonLink>
            ) : null}
            {ctx.can("deployment:manage") ? (
              <ButtonLink variant="secondary" href={`/w/${slug}/endpoints/${name}/deployments/new`}>
                Add deployment
              </ButtonLink>
            ) : null}
            {ctx.can("endpoint:manage") ? <DeleteEndpointButton slug={slug} endpoint={name} /> : null}
          </>
        }
      />
      {tags.length ? (
        <div className="-mt-3 mb-6 flex flex-wrap gap-1.5" aria-label="Tags">
          {tags.map(([k, v]) => (
            <Badge key={k}>{v ? `${k}: ${v}` : k}</Badge>
          ))}
        </div>
      ) : null}
      <div className="grid gap-6 lg:grid-cols-3">
        <div className="min-w-0 space-y-6 lg:col-span-2">
          <Card>
            <CardHeader title="Deployments" description="The default deployment runs every job that does not name one." />
            <DeploymentsTable
              slug={slug}
              endpoint={name}
              canManage={ctx.can("deployment:manage")}
              data={deployments.map((d) => ({
                name: d.name,
                version: d.version,
                runtime: d.runtime,
                model: d.model,
                isDefault: d.isDefault,
                miniBatchSize: d.settings.miniBatchSize,
                instances: d.settings.instanceCount * d.settings.maxConcurrencyPerInstance,
                updatedAt: d.updatedAt,
              }))}
            />
          </Card>
          <Card>
            <CardHeader
              title="Recent jobs"
              actions={
                <Link className="text-sm text-brand-600 hover:underline" href={`/w/${slug}/jobs?endpoint=${name}`}>
                  All jobs
                </Link>
              }
            />
            {jobs.data.length ? (
              <ul className="divide-y divide-zinc-100 text-sm dark:divide-zinc-800" aria-label="Recent jobs">
                {jobs.data.map((j) => (
                  <li key={j.name} className="flex items-center justify-between gap-3 px-5 py-3">
                    <Link className="font-mono text-xs text-brand-600 hover:underline" href={`/w/${slug}/jobs/${j.name}`}>
                      {j.name}
                    </Link>
                    <span className="flex items-center gap-3 text-zinc-500">
                      {formatDateTime(j.createdAt)} <JobStatusBadge status={j.status} />
                    </span>
                  </li>
                ))}
              </ul>
            ) : (
              <EmptyState title="No jobs yet">Invoke this endpoint over a folder of files to start one.</EmptyState>
            )}
          </Card>
        </div>
        <Card className="h-fit">
          <CardHeader title="Invoke from code" description="With a workspace API token (Settings → API tokens)." />
          <div className="space-y-4 p-5 text-sm">
            <div>
              <div className="mb-1 flex items-center justify-between">
                <span className="font-medium">REST</span>
                <CopyButton value={curl} label="Copy curl" />
              </div>
              <pre
                tabIndex={0}
                aria-label="Invoke with curl"
                className="overflow-x-auto rounded-md bg-zinc-900 p-3 font-mono text-xs text-zinc-100"
              >
                {curl}
              </pre>
            </div>
            <div>
              <div className="mb-1 flex items-center justify-between">
                <span className="font-medium">CLI</span>
                <CopyButton value={cli} label="Copy command" />
              </div>
              <pre
                tabIndex={0}
                aria-label="Invoke with the CLI"
                className="overflow-x-auto rounded-md bg-zinc-900 p-3 font-mono text-xs text-zinc-100"
              >
                {cli}
              </pre>
            </div>
          </div>
        </Card>
      </div>
    </>
  );
}
