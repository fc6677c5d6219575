import type { Metadata } from "next";
import { NameFilter } from "@/components/data-table/name-filter";
import { ButtonLink } from "@/components/ui/button";
import { Card, EmptyState, PageHeader } from "@/components/ui/card";
import { getPageContext } from "@/lib/auth/page-context";
import { findJobDefinitions, findJobDefinitionsSchema } from "@/lib/job-definitions/job-definitions";
import { parseSearchParams } from "@/lib/search-params";
import { JobDefinitionsTable } from "../_components/job-definitions-table";

export const metadata: Metadata = { title: "Job definitions" };

export default async function JobDefinitionsPage({
  params,
  searchParams,
}: {
  params: Promise<{ workspace: string }>;
  searchParams: Promise<Record<string, string | string[]>>;
}) {
  const { workspace: slug } = await params;
  const ctx = await getPageContext(slug);
  const query = parseSearchParams(findJobDefinitionsSchema, await searchParams);
  const result = await findJobDefinitions({ workspaceId: ctx.workspace.id, ...query });
  const create = ctx.can("jobdefinition:manage") ? (
    <ButtonLink href={`/w/${slug}/job-definitions/new`}>New job definition</ButtonLink>
  ) : null;
  return (
    <>
      <PageHeader
        title="Job definitions"
        description="A job definition saves what to score and where results go, and runs it on a schedule or on demand. Each scheduled time runs once, even across restarts."
        actions={create}
      />
      <Card>
        <div className="flex flex-wrap gap-2 border-b border-zinc-200 p-3 dark:border-zinc-800">
          <NameFilter placeholder="Filter job definitions by name" />
        </div>
        <JobDefinitionsTable
          slug={slug}
          data={result.data}
          pageInfo={result}
          empty={
            <EmptyState
              title={query.q ? "No job definitions match this filter" : "No job definitions yet"}
              action={query.q ? null : create}
            >
              {query.q
                ? "Clear the filter to see every definition."
                : "Save a job you run often, such as scoring last night's uploads, and give it a schedule."}
            </EmptyState>
          }
        />
      </Card>
    </>
  );
}
