import type { Metadata } from "next";
import { Card, EmptyState, PageHeader } from "@/components/ui/card";
import { getPageContext } from "@/lib/auth/page-context";
import { findJobFilterOptions, findJobList, findJobListSchema } from "@/lib/jobs/find-job-list";
import { parseSearchParams } from "@/lib/search-params";
import { JobFilters } from "../_components/job-filters";
import { JobsTable } from "../_components/jobs-table";
import { LiveRefresh } from "../[job]/_components/live-refresh";
import { isFinalJobStatus } from "@/shared/job-status";

// Rows in these states no longer change, so a page of only these needs no live refresh.

export const metadata: Metadata = { title: "Jobs" };

export default async function JobsPage({
  params,
  searchParams,
}: {
  params: Promise<{ workspace: string }>;
  searchParams: Promise<Record<string, string | string[]>>;
}) {
  const { workspace: slug } = await params;
  const ctx = await getPageContext(slug);
  const query = parseSearchParams(findJobListSchema, await searchParams);
  const [result, options] = await Promise.all([
    findJobList({ workspaceId: ctx.workspace.id, ...query }),
    findJobFilterOptions({ workspaceId: ctx.workspace.id }),
  ]);
  const filtered = !!(query.status || query.endpoint || query.submitter || query.from || query.to || query.q || query.tag);
  const unfinished = result.data.some((j) => !isFinalJobStatus(j.status));
  return (
    <>
      <PageHeader
        title="Jobs"
        description="Every batch job of this workspace: what it ran on, how far it got, and what came out."
        actions={<LiveRefresh active={unfinished} intervalMs={3000} />}
      />
      <Card>
        <div className="border-b border-zinc-200 p-3 dark:border-zinc-800">
          <JobFilters endpoints={options.endpoints} submitters={options.submitters} />
        </div>
        <JobsTable
          slug={slug}
          canCancel={ctx.can("job:cancel")}
          data={result.data}
          pageInfo={result}
          empty={
            filtered ? (
              <EmptyState title="No jobs match these filters">Clear the filters or widen the date range to see more jobs.</EmptyState>
            ) : (
              <EmptyState title="No jobs yet">
                Invoke an endpoint over a folder of files or a CSV in a datastore; each invocation becomes a job you can follow here, with
                its mini-batches, logs and outputs.
              </EmptyState>
            )
          }
        />
      </Card>
    </>
  );
}
