import type { Metadata } from "next";
import { z } from "zod";
import { EnvironmentBuild } from "@/components/deployments/environment-build";
import { findMiniBatches } from "@/lib/jobs/find-jobs";
import { getFirstFailedMiniBatch, getJobSubmitter, getJobTimeline, previewJobOutput } from "@/lib/jobs/job-details";
import { presentJob } from "@/lib/jobs/present-job";
import { findScriptOutputFiles } from "@/lib/jobs/script-outputs";
import { pageParamsSchema } from "@/lib/pagination";
import { parseSearchParams } from "@/lib/search-params";
import { loadJobForPage } from "../_lib/load-job";
import { JobActions } from "./_components/job-actions";
import { getDeploymentOrThrow } from "@/lib/deployments/manage-deployment";
import { getJobEnvironmentBuild } from "@/lib/jobs/job-logs";
import { isFinalJobStatus, jobActions } from "@/shared/job-status";
import { InputItems } from "./_components/input-items";
import { findJobItems } from "@/lib/jobs/sources/job-items";
import { JobHeader } from "./_components/job-header";
import { JobOutputCard } from "./_components/job-output-card";
import { JobProgressCard } from "./_components/job-progress-card";
import { JobSettingsCard } from "./_components/job-settings-card";
import { JobStatusNotice } from "./_components/job-status-notice";
import { MiniBatchesCard } from "./_components/mini-batches-card";
import { RetryRounds } from "./_components/retry-rounds";
import { UnreadableJob } from "./_components/unreadable-job";

type Params = { params: Promise<{ workspace: string; job: string }>; searchParams: Promise<Record<string, string | string[]>> };

export async function generateMetadata({ params }: Params): Promise<Metadata> {
  return { title: (await params).job };
}

const miniBatchQuerySchema = pageParamsSchema.extend({ mb: z.enum(["failed"]).optional() });

export default async function JobPage({ params, searchParams }: Params) {
  const { workspace: slug, job: name } = await params;
  const { ctx, job, unreadable } = await loadJobForPage(slug, name);
  if (unreadable) return <UnreadableJob slug={slug} name={name} field={unreadable.field} reason={unreadable.reason} />;
  const query = parseSearchParams(miniBatchQuerySchema, await searchParams);
  const final = isFinalJobStatus(job.status);
  const allowed = jobActions(job);
  const view = presentJob(job);
  // The deployment's version now, to offer a retry with it when it changed since the job ran (null if it was deleted).
  const currentVersion = await getDeploymentOrThrow({
    workspaceId: ctx.workspace.id,
    endpointName: job.endpointName,
    name: job.deploymentName,
  }).then(
    (d) => d.version,
    () => null,
  );
  const [miniBatches, timeline, firstFailure, submitter, preview, build] = await Promise.all([
    findMiniBatches({ workspaceId: ctx.workspace.id, jobName: name, page: query.page, perPage: query.perPage, status: query.mb }),
    getJobTimeline({
      workspaceId: ctx.workspace.id,
      jobId: job.id,
      createdAt: job.createdAt,
      startedAt: job.startedAt,
      finishedAt: job.finishedAt,
    }),
    job.miniBatchesFailed || job.filesFailed ? getFirstFailedMiniBatch({ workspaceId: ctx.workspace.id, jobId: job.id }) : null,
    getJobSubmitter({ submittedById: job.submittedById }),
    final && view.settings.outputAction === "append_row" ? previewJobOutput({ workspaceId: ctx.workspace.id, name }) : null,
    getJobEnvironmentBuild({ workspaceId: ctx.workspace.id, name }),
  ]);
  const scriptFiles = await findScriptOutputFiles({ workspaceId: ctx.workspace.id, jobId: job.id });
  // As the API shows them: a SAS token in the input's URL is masked.
  const { inputs } = view;
  const items = inputs.sources ? await findJobItems({ workspaceId: ctx.workspace.id, name }) : null;
  // Sealed credentials or variables cannot be copied into a new job: no re-run button for those.
  const hasSecrets = !!inputs.sources || !!inputs.environmentVariables;
  const base = `/w/${slug}/jobs/${name}`;
  const hasFailures = job.miniBatchesFailed > 0 || job.filesFailed > 0;
  const mbHref = (failed: boolean) => (failed ? `${base}?mb=failed` : base);
  // What the page counts, as the API reports it (view.unit): rows, files, input items (sources) or the one run of a job without data.
  const noun = view.unit.slice(0, -1);
  const unit = view.unit === "rows" ? "row" : "file";
  const units = (n: number) => `${n} ${noun}${n === 1 ? "" : "s"}`;

  return (
    <div className="space-y-6">
      <JobHeader
        slug={slug}
        name={name}
        job={job}
        final={final}
        submitter={submitter}
        actions={
          <JobActions
            slug={slug}
            name={name}
            canCancel={ctx.can("job:cancel") && allowed.cancel}
            canRetry={ctx.can("job:invoke") && allowed.retryFailed}
            canRerun={ctx.can("job:invoke") && allowed.rerun && !hasSecrets}
            jobVersion={job.deploymentVersion}
            currentVersion={currentVersion}
          />
        }
      />

      <JobStatusNotice job={job} final={final} hasFailures={hasFailures} firstFailure={firstFailure} noun={noun} units={units} />

      <RetryRounds view={view} units={units} />

      <JobProgressCard job={job} view={view} final={final} noun={noun} unit={unit} timeline={timeline} />

      <JobOutputCard job={job} view={view} final={final} base={base} preview={preview} scriptFiles={scriptFiles} />

      {build ? (
        <EnvironmentBuild
          build={build}
          description={`The environment deployment ${job.deploymentName} v${job.deploymentVersion} runs in.`}
        />
      ) : null}
      {items ? <InputItems items={items} outputsUrl={`${base}/outputs`} /> : null}

      <MiniBatchesCard job={job} base={base} unit={unit} filter={query.mb} mbHref={mbHref} miniBatches={miniBatches} />

      <JobSettingsCard job={job} view={view} inputs={inputs} units={units} />
    </div>
  );
}
