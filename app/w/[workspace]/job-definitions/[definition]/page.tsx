import type { Metadata } from "next";
import Link from "next/link";
import { Card, CardHeader, EmptyState, PageHeader } from "@/components/ui/card";
import { formatDateTime } from "@/components/ui/format";
import { JobStatusBadge } from "@/components/ui/status-badge";
import { getPageContext } from "@/lib/auth/page-context";
import { showJobDefinition } from "@/lib/job-definitions/job-definitions";
import { findJobList } from "@/lib/jobs/find-job-list";
import { JobsTable } from "../../jobs/_components/jobs-table";
import { DefinitionActions } from "../_components/definition-actions";

type Params = { workspace: string; definition: string };

export async function generateMetadata({ params }: { params: Promise<Params> }): Promise<Metadata> {
  return { title: `Job definition ${(await params).definition}` };
}

function Field({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div>
      <dt className="text-xs font-medium uppercase tracking-wide text-zinc-600 dark:text-zinc-400">{label}</dt>
      <dd className="mt-1 text-sm text-zinc-900 dark:text-zinc-100">{children}</dd>
    </div>
  );
}

export default async function JobDefinitionPage({
  params,
  searchParams,
}: {
  params: Promise<Params>;
  searchParams: Promise<Record<string, string | string[]>>;
}) {
  const { workspace: slug, definition: name } = await params;
  const ctx = await getPageContext(slug);
  const page = Number((await searchParams).page ?? 1) || 1;
  const [def, jobs] = await Promise.all([
    showJobDefinition({ workspaceId: ctx.workspace.id, name }),
    findJobList({ workspaceId: ctx.workspace.id, definition: name, page }),
  ]);
  const spec = def.spec as { input?: { type: string; path: string }; output?: { path: string } };
  const run = (r: typeof def.lastRun) =>
    r ? (
      <span className="inline-flex items-center gap-2">
        <Link className="text-brand-600 hover:underline" href={`/w/${slug}/jobs/${r.job}`}>
          {r.job}
        </Link>
        <JobStatusBadge status={r.status as never} />
        <span className="text-zinc-600 dark:text-zinc-400">{formatDateTime(r.at)}</span>
      </span>
    ) : (
      "—"
    );
  return (
    <>
      <PageHeader
        title={def.name}
        description={def.description ?? "A saved job spec."}
        actions={
          <DefinitionActions
            slug={slug}
            name={def.name}
            enabled={def.enabled}
            canManage={ctx.can("jobdefinition:manage")}
            canRun={ctx.can("jobdefinition:run")}
          />
        }
      />
      <Card className="p-5">
        <dl className="grid gap-4 sm:grid-cols-3">
          <Field label="Endpoint">
            <Link className="text-brand-600 hover:underline" href={`/w/${slug}/endpoints/${def.endpoint}`}>
              {def.endpoint}
            </Link>
            {def.deployment ? ` / ${def.deployment}` : ""}
          </Field>
          <Field label="Input">
            {spec.input ? (
              <code className="break-all text-xs">
                {spec.input.type}: {spec.input.path}
              </code>
            ) : (
              "—"
            )}
          </Field>
          <Field label="Output">
            {spec.output ? <code className="break-all text-xs">{spec.output.path}</code> : "the endpoint's default location"}
          </Field>
          <Field label="Schedule">
            {def.schedule ? (
              <code className="text-xs">
                {def.schedule.cron} ({def.schedule.timezone})
              </code>
            ) : (
              "on demand only"
            )}
          </Field>
          <Field label="State">
            {def.enabled ? "enabled" : "disabled"}
            {def.overlapPolicy === "skip" ? ", skips a run while the previous one is unfinished" : ", runs may overlap"}
          </Field>
          <Field label="Next run">
            <span data-testid="next-run">{def.nextRunAt ? formatDateTime(def.nextRunAt) : "—"}</span>
          </Field>
          <Field label="Last run">{run(def.lastRun)}</Field>
          <Field label="Last successful run">{run(def.lastSuccessfulRun)}</Field>
          {def.lastRunNote ? <Field label="Note">{def.lastRunNote}</Field> : null}
        </dl>
      </Card>
      <Card className="mt-6">
        <CardHeader title="Jobs" description="The jobs this definition started, scheduled and run now." />
        <JobsTable
          slug={slug}
          data={jobs.data}
          pageInfo={jobs}
          empty={<EmptyState title="No jobs yet">Run the definition now, or wait for its next scheduled run.</EmptyState>}
        />
      </Card>
    </>
  );
}
