import type { Metadata } from "next";
import Link from "next/link";
import type { ReactNode } from "react";
import { z } from "zod";
import { EnvironmentBuild } from "@/components/deployments/environment-build";
import { buttonClass } from "@/components/ui/button";
import { Card, CardHeader, EmptyState } from "@/components/ui/card";
import { cn } from "@/components/ui/cn";
import { formatDateTime } from "@/components/ui/format";
import { JobStatusBadge } from "@/components/ui/status-badge";
import { findMiniBatches } from "@/lib/jobs/find-jobs";
import { getFirstFailedMiniBatch, getJobSubmitter, getJobTimeline, previewJobOutput } from "@/lib/jobs/job-details";
import { presentJob } from "@/lib/jobs/present-job";
import { findScriptOutputFiles } from "@/lib/jobs/script-outputs";
import { pageParamsSchema } from "@/lib/pagination";
import { parseSearchParams } from "@/lib/search-params";
import { formatDuration, formatStageTime } from "../_components/job-format";
import { ProgressBar } from "../_components/progress-bar";
import { loadJobForPage } from "../_lib/load-job";
import { JobActions } from "./_components/job-actions";
import { getDeploymentOrThrow } from "@/lib/deployments/manage-deployment";
import { getJobEnvironmentBuild } from "@/lib/jobs/job-logs";
import { LiveRefresh } from "./_components/live-refresh";
import { MiniBatchesTable } from "./_components/mini-batches-table";
import { OutputPreview } from "./_components/output-preview";
import { isFinalJobStatus, isSucceededJobStatus, jobActions } from "@/shared/job-status";
import { InputItems } from "./_components/input-items";
import { readJobSnapshot } from "@/lib/jobs/job-snapshot";
import { findJobItems } from "@/lib/jobs/sources/job-items";

type Params = { params: Promise<{ workspace: string; job: string }>; searchParams: Promise<Record<string, string | string[]>> };

export async function generateMetadata({ params }: Params): Promise<Metadata> {
  return { title: (await params).job };
}

const STAGES = [
  { key: "queued", label: "Queued" },
  { key: "preparing", label: "Preparing" },
  { key: "running", label: "Running" },
  { key: "finalizing", label: "Finalizing" },
  { key: "finished", label: "Finished" },
] as const;
const miniBatchQuerySchema = pageParamsSchema.extend({ mb: z.enum(["failed"]).optional() });

export default async function JobPage({ params, searchParams }: Params) {
  const { workspace: slug, job: name } = await params;
  const { ctx, job } = await loadJobForPage(slug, name);
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
  const { inputs } = readJobSnapshot(job);
  const items = inputs.sources ? await findJobItems({ workspaceId: ctx.workspace.id, name }) : null;
  // Sealed credentials or variables cannot be copied into a new job: no re-run button for those.
  const hasSecrets = !!inputs.sources || !!inputs.environmentVariables;
  const { progress } = job;
  const base = `/w/${slug}/jobs/${name}`;
  const hasFailures = job.miniBatchesFailed > 0 || job.filesFailed > 0;
  const mbHref = (failed: boolean) => (failed ? `${base}?mb=failed` : base);
  // What the page counts, as the API reports it (view.unit): rows, files, input items (sources) or the one run of a job without data.
  const noun = view.unit.slice(0, -1);
  const unit = view.unit === "rows" ? "row" : "file";
  const units = (n: number) => `${n} ${noun}${n === 1 ? "" : "s"}`;

  return (
    <div className="space-y-6">
      <nav aria-label="Breadcrumb" className="text-sm text-zinc-500">
        <Link href={`/w/${slug}/jobs`} className="hover:underline">
          Jobs
        </Link>{" "}
        / <span className="font-mono">{name}</span>
      </nav>
      <div className="flex flex-wrap items-start justify-between gap-4">
        <div className="min-w-0">
          <div className="flex flex-wrap items-center gap-3">
            <h1 className="break-all font-mono text-xl font-semibold tracking-tight">{name}</h1>
            <span aria-label="Job status" role="status">
              <JobStatusBadge status={job.status} />
            </span>
            <LiveRefresh active={!final} />
          </div>
          {job.displayName ? <p className="mt-1 text-base font-medium">{job.displayName}</p> : null}
          {Object.keys((job.tags ?? {}) as Record<string, string>).length ? (
            <ul className="mt-1 flex flex-wrap gap-1" aria-label="Tags">
              {Object.entries(job.tags as Record<string, string>).map(([k, v]) => (
                <li key={k}>
                  <Link
                    href={`/w/${slug}/jobs?tag=${encodeURIComponent(`${k}=${v}`)}`}
                    className="inline-block rounded bg-zinc-100 px-1.5 py-0.5 text-xs text-zinc-700 hover:bg-zinc-200 dark:bg-zinc-800 dark:text-zinc-300 dark:hover:bg-zinc-700"
                  >
                    {k}={v}
                  </Link>
                </li>
              ))}
            </ul>
          ) : null}
          <p className="mt-1 text-sm text-zinc-500">
            <Link href={`/w/${slug}/endpoints/${job.endpointName}`} className="hover:underline">
              {job.endpointName}
            </Link>{" "}
            · deployment {job.deploymentName} v{job.deploymentVersion} · submitted {formatDateTime(job.createdAt)}{" "}
            {submitter
              ? `by ${submitter}`
              : `via ${job.submittedVia === "api" || job.submittedVia === "ui" || job.submittedVia === "cli" ? job.submittedVia.toUpperCase() : job.submittedVia}`}
          </p>
        </div>
        <JobActions
          slug={slug}
          name={name}
          canCancel={ctx.can("job:cancel") && allowed.cancel}
          canRetry={ctx.can("job:invoke") && allowed.retryFailed}
          canRerun={ctx.can("job:invoke") && allowed.rerun && !hasSecrets}
          jobVersion={job.deploymentVersion}
          currentVersion={currentVersion}
        />
      </div>

      {job.status === "failed" ? (
        <FailurePanel
          tone="red"
          title="Why this job failed"
          message={job.error ?? "The job failed without a recorded reason; see the mini-batch logs below."}
          failure={firstFailure}
        />
      ) : hasFailures && firstFailure ? (
        <FailurePanel
          tone="amber"
          title={`${isSucceededJobStatus(job.status) ? "Completed" : "Stopped"} with ${units(job.filesFailed).replace(/ /, " failed ")}`}
          message={`These ${noun}s are listed in errors.jsonl; the rest of the output is complete.`}
          failure={firstFailure}
        />
      ) : job.status === "canceled" ? (
        <div
          role="status"
          className="rounded-lg border border-amber-200 bg-amber-50 px-4 py-3 text-sm text-amber-900 dark:border-amber-900 dark:bg-amber-950/40 dark:text-amber-200"
        >
          {job.error ?? "The job was canceled."}
        </div>
      ) : job.cancelRequestedAt && !final ? (
        <div
          role="status"
          className="rounded-lg border border-amber-200 bg-amber-50 px-4 py-3 text-sm text-amber-900 dark:border-amber-900 dark:bg-amber-950/40 dark:text-amber-200"
        >
          Cancel requested {formatDateTime(job.cancelRequestedAt)}; running mini-batches are stopping.
        </div>
      ) : null}

      {view.retryRounds.length ? (
        <Card>
          <CardHeader title="Retry rounds" description="Each “Retry failed” re-ran the failed mini-batches with the version shown." />
          <ol aria-label="Retry rounds" className="divide-y divide-zinc-200 text-sm dark:divide-zinc-800">
            {view.retryRounds.map((r) => (
              <li key={r.round} className="flex flex-wrap items-center gap-x-4 gap-y-1 px-4 py-3">
                <span className="font-medium">Round {r.round}</span>
                <span>
                  deployment v{r.deploymentVersion} ({r.versionChoice === "current" ? "the current version" : "the job's version"})
                </span>
                <span>
                  {r.counts.miniBatches} mini-batch{r.counts.miniBatches === 1 ? "" : "es"}, {units(r.counts.inputs)}
                  {r.counts.succeeded !== null ? `: ${r.counts.succeeded} succeeded, ${r.counts.failed ?? 0} failed` : ""}
                </span>
                {r.status ? <JobStatusBadge status={r.status as never} /> : <span>running</span>}
                <span className="text-zinc-600 dark:text-zinc-400">
                  {formatDateTime(r.startedAt)}
                  {r.finishedAt ? ` – ${formatDateTime(r.finishedAt)}` : ""}
                </span>
              </li>
            ))}
          </ol>
        </Card>
      ) : null}

      <Card className="@container">
        <CardHeader title="Progress" />
        <div className="space-y-4 p-5">
          <div className="flex items-center gap-3">
            <ProgressBar
              size="lg"
              percent={progress.percent}
              failedPercent={progress.miniBatches.total ? Math.round((progress.miniBatches.failed / progress.miniBatches.total) * 100) : 0}
              label="Job progress"
            />
            <span className="w-12 text-right text-sm font-semibold tabular-nums">{progress.percent}%</span>
          </div>
          <dl className="grid grid-cols-2 gap-4 text-sm @2xl:grid-cols-4">
            <Stat
              label="Mini-batches"
              value={`${progress.miniBatches.completed + progress.miniBatches.failed} / ${progress.miniBatches.total}`}
              detail={progress.miniBatches.failed ? `${progress.miniBatches.failed} failed` : undefined}
              bad
            />
            <Stat
              label={`${noun[0].toUpperCase()}${noun.slice(1)}s`}
              value={`${progress.files.completed + progress.files.failed} / ${progress.files.total}`}
              detail={progress.files.failed ? `${progress.files.failed} failed` : undefined}
              bad
            />
            <Stat label="Throughput" value={progress.throughput === null ? "—" : `${progress.throughput} ${noun}s/s`} />
            <Stat
              label={final ? "Duration" : "Time left"}
              value={
                final
                  ? formatDuration(progress.elapsedSeconds)
                  : progress.etaSeconds === null
                    ? "—"
                    : `about ${formatDuration(progress.etaSeconds)}`
              }
              detail={!final && progress.elapsedSeconds !== null ? `${formatDuration(progress.elapsedSeconds)} elapsed` : undefined}
            />
          </dl>
          <dl aria-label="Counts" className="flex flex-wrap gap-x-6 gap-y-1 text-xs text-zinc-600 dark:text-zinc-400">
            <Count label={`Scored ${unit}s`} value={view.scoredRows} />
            <Count label={`Failed ${unit}s`} value={view.failedRows} />
            <Count label={`Skipped ${unit}s`} value={view.skippedRows} />
            {view.queuePosition ? <Count label="Jobs ahead on this deployment" value={view.queuePosition} /> : null}
          </dl>
        </div>
        <ol
          aria-label="Timeline"
          className="grid grid-cols-2 gap-4 border-t border-zinc-200 px-5 py-4 text-sm @xl:grid-cols-3 @3xl:grid-cols-5 dark:border-zinc-800"
        >
          {STAGES.map((s) => {
            const at = timeline[s.key];
            return (
              <li key={s.key} className="flex items-start gap-2.5">
                <span
                  aria-hidden
                  className={cn(
                    "mt-1.5 h-2.5 w-2.5 shrink-0 rounded-full",
                    at
                      ? s.key === "finished" && job.status !== "completed"
                        ? job.status === "failed"
                          ? "bg-red-500"
                          : "bg-amber-500"
                        : "bg-brand-500"
                      : "bg-zinc-300 dark:bg-zinc-700",
                  )}
                />
                <span className="min-w-0">
                  <span className={cn("block font-medium", !at && "text-zinc-500")}>
                    {s.key === "finished" && final ? `Finished (${job.status})` : s.label}
                  </span>
                  <span className="block text-xs text-zinc-500">{at ? formatStageTime(at) : "not yet"}</span>
                </span>
              </li>
            );
          })}
        </ol>
      </Card>

      <Card>
        <CardHeader
          title="Output"
          description={<span className="break-all">{view.output.path}</span>}
          actions={
            final ? (
              <div className="flex flex-wrap gap-2">
                {view.settings.outputAction === "append_row" ? (
                  <Download
                    href={`${base}/files/predictions`}
                    label={`Download predictions file ${job.outputFileName}`}
                    text={job.outputFileName}
                  />
                ) : null}
                <Download href={`${base}/files/errors`} label="Download errors file errors.jsonl" text="errors.jsonl" />
                <Download href={`${base}/files/summary`} label="Download job summary file job-summary.json" text="job-summary.json" />
              </div>
            ) : null
          }
        />
        {!final ? (
          <p className="px-5 py-4 text-sm text-zinc-500">
            The predictions are merged when the job finishes; the first rows will show here.
          </p>
        ) : !preview ? (
          <p className="px-5 py-4 text-sm text-zinc-500">
            This deployment writes a summary only (output action summary_only), so there are no predictions to preview.
          </p>
        ) : preview.columns === null ? (
          <p className="px-5 py-4 text-sm text-zinc-500">{preview.reason}</p>
        ) : (
          <>
            <OutputPreview columns={preview.columns} rows={preview.rows} />
            <p className="border-t border-zinc-200 px-5 py-2 text-xs text-zinc-500 dark:border-zinc-800">
              {preview.truncated
                ? `The first ${preview.rows.length} rows; download the file for all of them.`
                : `All ${preview.rows.length} rows.`}
            </p>
          </>
        )}
        {scriptFiles.length > 0 && (
          <div className="border-t border-zinc-200 px-5 py-3 dark:border-zinc-800">
            <h3 className="text-sm font-medium">
              Files the script wrote ({scriptFiles.length}
              {scriptFiles.length === 200 ? "+" : ""})
            </h3>
            <ul aria-label="Files the script wrote" className="mt-1 space-y-0.5 text-sm">
              {scriptFiles.map((f) => (
                <li key={f.path}>
                  <a
                    href={`${base}/outputs/${f.path.split("/").map(encodeURIComponent).join("/")}`}
                    download
                    className="font-mono hover:underline"
                  >
                    {f.path}
                  </a>{" "}
                  <span className="text-xs text-zinc-500">
                    mini-batch {f.miniBatch}, {f.size.toLocaleString("en")} bytes
                  </span>
                </li>
              ))}
            </ul>
          </div>
        )}
      </Card>

      {build ? (
        <EnvironmentBuild
          build={build}
          description={`The environment deployment ${job.deploymentName} v${job.deploymentVersion} runs in.`}
        />
      ) : null}
      {items ? <InputItems items={items} outputsUrl={`${base}/outputs`} /> : null}

      <Card>
        <CardHeader
          title="Mini-batches"
          description={`${progress.miniBatches.total} in total, ${job.miniBatchesCompleted} completed, ${job.miniBatchesFailed} failed`}
          actions={
            <div
              role="group"
              aria-label="Mini-batch filter"
              className="inline-flex rounded-md border border-zinc-300 p-0.5 text-sm dark:border-zinc-700"
            >
              <FilterLink href={mbHref(false)} active={!query.mb}>
                All
              </FilterLink>
              <FilterLink href={mbHref(true)} active={query.mb === "failed"}>
                Failed only
              </FilterLink>
            </div>
          }
        />
        <MiniBatchesTable
          logsUrl={`${base}/logs`}
          unit={unit}
          data={miniBatches.data.map((m) => ({ ...m, items: undefined, rows: undefined, files: m.inputs }))}
          pageInfo={miniBatches}
          empty={
            query.mb ? (
              <EmptyState title="No failed mini-batches">Every mini-batch so far succeeded or is still to run.</EmptyState>
            ) : (
              <EmptyState title="No mini-batches yet">The input is split into mini-batches while the job is preparing.</EmptyState>
            )
          }
        />
      </Card>

      {view.settings.miniBatchSize ? (
        <Card>
          <CardHeader title="Settings" description="As this job ran: the deployment's settings with this job's overrides." />
          <dl className="grid gap-x-6 gap-y-3 p-5 text-sm sm:grid-cols-2 lg:grid-cols-3">
            <Setting
              label="Input"
              value={
                inputs.data?.path ??
                (inputs.sources
                  ? `${inputs.sources.length} input item${inputs.sources.length === 1 ? "" : "s"} from storage account ${inputs.storageAccount ?? "—"} (credentials hidden)`
                  : "none: run() is called once with an empty mini-batch")
              }
              mono={!!inputs.data}
            />
            {job.explain ? <Setting label="Explanations" value="requested (explain: true)" /> : null}
            {inputs.environmentVariables ? (
              <Setting label="Job variables (values hidden)" value={Object.keys(inputs.environmentVariables).join(", ")} mono />
            ) : null}
            <Setting label="Output file" value={job.outputFileName} mono />
            {inputs.data ? <Setting label="Mini-batch size" value={units(view.settings.miniBatchSize)} /> : null}
            <Setting
              label="Instances × concurrency"
              value={`${view.settings.instanceCount} × ${view.settings.maxConcurrencyPerInstance}`}
            />
            <Setting label="Retries / timeout" value={`${view.settings.maxRetries} retries, ${view.settings.timeoutSeconds} s per run()`} />
            <Setting
              label="Error threshold"
              value={view.settings.errorThreshold < 0 ? "no limit" : `${units(view.settings.errorThreshold).replace(/ /, " failed ")}`}
            />
            {view.rowOptions ? <RowOptionSettings options={view.rowOptions} /> : null}
            {Object.keys(view.settings.environmentVariables).length ? (
              <Setting
                label="Environment"
                value={Object.entries(view.settings.environmentVariables)
                  .map(([k, v]) => `${k}=${v}`)
                  .join("  ")}
                mono
              />
            ) : null}
          </dl>
        </Card>
      ) : null}
    </div>
  );
}

function Stat({ label, value, detail, bad }: { label: string; value: string; detail?: string; bad?: boolean }) {
  return (
    <div>
      <dt className="text-xs font-medium uppercase tracking-wide text-zinc-500">{label}</dt>
      <dd className="mt-0.5 text-base font-semibold tabular-nums">{value}</dd>
      {detail ? <dd className={cn("text-xs", bad ? "text-red-600" : "text-zinc-500")}>{detail}</dd> : null}
    </div>
  );
}

function Count({ label, value }: { label: string; value: number }) {
  return (
    <div className="flex gap-1.5">
      <dt>{label}</dt>
      <dd className="font-semibold tabular-nums text-zinc-900 dark:text-zinc-100">{value.toLocaleString("en")}</dd>
    </div>
  );
}

/** The job's tabular options as the invoke body named them. */
function RowOptionSettings({ options: o }: { options: NonNullable<ReturnType<typeof presentJob>["rowOptions"]> }) {
  const remap = Object.entries(o.columnNamesRemapping);
  return (
    <>
      <Setting
        label="Passthrough columns"
        value={"passthroughColumnsSet" in o ? "all input columns" : "passthroughColumns" in o ? o.passthroughColumns.join(", ") : "none"}
      />
      {o.csvSettings ? (
        <Setting
          label="CSV settings"
          value={`delimiter ${o.csvSettings.delimiter}, quote ${o.csvSettings.quotechar}, ${o.csvSettings.encoding}`}
        />
      ) : null}
      <Setting
        label="Renamed columns"
        value={remap.length ? remap.map(([k, v]) => (v === null ? `${k} dropped` : `${k} → ${v}`)).join(", ") : "none"}
      />
      <Setting label="Prediction status column" value={o.includePredictionStatus ? "prediction_status" : "no"} />
    </>
  );
}

function Setting({ label, value, mono }: { label: string; value: string; mono?: boolean }) {
  return (
    <div className="min-w-0">
      <dt className="text-xs text-zinc-500">{label}</dt>
      <dd className={cn(mono ? "break-all font-mono text-xs" : "break-words")}>{value}</dd>
    </div>
  );
}

/** The accessible name ends with the visible file name, as a word of its own (axe: label-content-name-mismatch). */
function Download({ href, label, text }: { href: string; label: string; text: string }) {
  return (
    <a href={href} download aria-label={label} className={buttonClass("secondary", "px-2.5 py-1.5 text-xs")}>
      <span aria-hidden>↓</span> {text}
    </a>
  );
}

function FilterLink({ href, active, children }: { href: string; active: boolean; children: ReactNode }) {
  return (
    <Link
      href={href}
      aria-current={active ? "true" : undefined}
      scroll={false}
      className={cn(
        "rounded px-2.5 py-1",
        active
          ? "bg-zinc-900 text-white dark:bg-zinc-100 dark:text-zinc-900"
          : "text-zinc-600 hover:bg-zinc-100 dark:text-zinc-300 dark:hover:bg-zinc-800",
      )}
    >
      {children}
    </Link>
  );
}

function FailurePanel({
  tone,
  title,
  message,
  failure,
}: {
  tone: "red" | "amber";
  title: string;
  message: string;
  failure: Awaited<ReturnType<typeof getFirstFailedMiniBatch>>;
}) {
  const red = tone === "red";
  return (
    <section
      aria-label={title}
      role={red ? "alert" : undefined}
      className={cn(
        "rounded-lg border px-5 py-4 text-sm",
        red
          ? "border-red-200 bg-red-50 text-red-900 dark:border-red-900 dark:bg-red-950/40 dark:text-red-100"
          : "border-amber-200 bg-amber-50 text-amber-900 dark:border-amber-900 dark:bg-amber-950/40 dark:text-amber-100",
      )}
    >
      <h2 className="text-base font-semibold">{title}</h2>
      <p className="mt-1">{message}</p>
      {failure ? (
        <div className="mt-3 space-y-2">
          <p>
            <span className="font-medium">First failing mini-batch: #{failure.index}</span>
            {failure.attempts ? ` (after ${failure.attempts} attempt${failure.attempts === 1 ? "" : "s"})` : ""}
            {failure.error ? <>: {failure.error}</> : null}
          </p>
          {failure.files.length ? (
            <p className="break-all">
              <span className="font-medium">Files: </span>
              <span className="font-mono text-xs">{failure.files.join(", ")}</span>
            </p>
          ) : null}
          {failure.traceback ? (
            <details open className="group">
              <summary className="cursor-pointer font-medium">Traceback</summary>
              <pre
                tabIndex={0}
                aria-label="Traceback"
                className="mt-2 max-h-80 overflow-auto rounded-md bg-zinc-950 p-3 text-xs leading-relaxed text-zinc-100"
              >
                {failure.traceback}
              </pre>
            </details>
          ) : null}
        </div>
      ) : null}
    </section>
  );
}
