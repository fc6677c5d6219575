import type { Metadata } from "next";
import { ButtonLink } from "@/components/ui/button";
import { Card, EmptyState, PageHeader } from "@/components/ui/card";
import { getPageContext } from "@/lib/auth/page-context";
import { findEndpoints, findEndpointsSchema } from "@/lib/endpoints/find-endpoints";
import { parseSearchParams } from "@/lib/search-params";
import { EndpointsTable } from "../_components/endpoints-table";
import { NameFilter } from "@/components/data-table/name-filter";
import { FirstRunGuide } from "@/components/shell/first-run-guide";
import { getSetupProgress } from "@/lib/workspaces/get-setup-progress";

export const metadata: Metadata = { title: "Endpoints" };

export default async function EndpointsPage({
  params,
  searchParams,
}: {
  params: Promise<{ workspace: string }>;
  searchParams: Promise<Record<string, string | string[]>>;
}) {
  const { workspace: slug } = await params;
  const ctx = await getPageContext(slug);
  const query = parseSearchParams(findEndpointsSchema, await searchParams);
  const result = await findEndpoints({ workspaceId: ctx.workspace.id, ...query });
  const progress = await getSetupProgress({ workspaceId: ctx.workspace.id });
  const newEndpoint = ctx.can("endpoint:manage") ? <ButtonLink href={`/w/${slug}/endpoints/new`}>New endpoint</ButtonLink> : null;
  return (
    <>
      <PageHeader
        title="Endpoints"
        description="An endpoint is a stable name that clients invoke. It holds deployments (scoring code, model and settings) and routes each job to the default one."
        actions={newEndpoint}
      />
      {!progress.job && ctx.can("job:invoke") ? (
        <FirstRunGuide slug={slug} progress={progress} firstEndpoint={result.data[0]?.name} />
      ) : null}
      <Card>
        <div className="flex flex-wrap gap-2 border-b border-zinc-200 p-3 dark:border-zinc-800">
          <NameFilter placeholder="Filter endpoints by name" />
          <NameFilter placeholder="Filter by tag: team or team=risk" param="tag" />
        </div>
        <EndpointsTable
          slug={slug}
          data={result.data}
          pageInfo={result}
          empty={
            <EmptyState
              title={query.q || query.tag ? "No endpoints match this filter" : "No endpoints yet"}
              action={query.q || query.tag ? null : newEndpoint}
            >
              {query.q || query.tag
                ? "Clear the filter to see every endpoint."
                : "Create an endpoint, attach a deployment with your scoring script, and invoke it over a folder of files. Endpoints you create appear here."}
            </EmptyState>
          }
        />
      </Card>
    </>
  );
}
