import { presentJobSettings } from "@/lib/deployments/present-settings";
import { maskDataPath } from "./data-paths";
import { rowFormatOf } from "./inputs";
import { maskJobInputs, readJobSnapshot } from "./job-snapshot";
import { jobUnit } from "./mini-batch-inputs";
import { presentRetryRound } from "./retry-rounds";
import { jobProgress, rowCounts, type ProgressInput } from "./progress";
import { jobActions } from "@/shared/job-status";
import { presentRowOptions } from "./tabular/options";

type JobRow = ProgressInput & {
  name: string;
  displayName?: string | null;
  tags?: unknown;
  endpointName: string;
  deploymentName: string;
  deploymentVersion: number;
  inputs: unknown;
  settings: unknown;
  outputPath: string;
  outputFileName: string;
  error: string | null;
  errorDetail?: unknown;
  createdAt: Date;
  submittedVia: string;
  explain?: boolean;
  retryRounds?: Parameters<typeof presentRetryRound>[0][];
  cancelRequestedAt?: Date | null;
  queuePosition?: number | null;
};

/** A job as the API and the dashboard show it: progress derived, ids internal, secrets masked. */
export function presentJob(j: JobRow, baseUrl = "") {
  const links = { self: `${baseUrl}/api/v1/jobs/${j.name}` };
  const progress = jobProgress(j);
  const { settings, inputs } = readJobSnapshot(j);
  return {
    name: j.name,
    displayName: j.displayName ?? null,
    tags: (j.tags ?? {}) as Record<string, string>,
    status: j.status,
    endpoint: j.endpointName,
    deployment: j.deploymentName,
    deploymentVersion: j.deploymentVersion,
    // A blob URL's SAS token never leaves the server (docs/decisions/0031).
    inputs: maskJobInputs(inputs),
    explain: j.explain ?? false,
    settings: presentJobSettings(settings),
    output: { path: maskDataPath(j.outputPath), fileName: j.outputFileName },
    progress,
    // What the counts count: "files", "rows" (tabular, jsonl), "items" (sources) or "runs" (a job without data).
    unit: jobUnit(inputs),
    // What the job's state allows (cancel, retry failed, re-run), before the caller's role is checked.
    actions: jobActions(j),
    // DataRobot's counts (rows for tabular and jsonl input, files otherwise).
    ...rowCounts(j, progress, j.queuePosition ?? null),
    rowOptions: presentRowOptions(inputs.data?.options, rowFormatOf(inputs.data?.type)),
    error: j.error,
    submittedVia: j.submittedVia,
    createdAt: j.createdAt,
    startedAt: j.startedAt,
    finishedAt: j.finishedAt,
    // One entry per "retry failed": the deployment version it ran, its counts and times.
    retryRounds: (j.retryRounds ?? []).map(presentRetryRound),
    links: {
      ...links,
      output: `${links.self}/output`,
      errors: `${links.self}/errors`,
      miniBatches: `${links.self}/mini-batches`,
      logs: `${links.self}/logs`,
      ...(inputs.sources ? { items: `${links.self}/items` } : {}),
    },
  };
}

/** A row of a job list, in the same words as presentJob and without internal ids. */
export function presentJobSummary(j: {
  name: string;
  displayName?: string | null;
  tags?: unknown;
  status: string;
  endpointName: string;
  deploymentName: string;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  filesTotal: number;
  filesCompleted: number;
  filesFailed: number;
}) {
  return {
    name: j.name,
    displayName: j.displayName ?? null,
    tags: (j.tags ?? {}) as Record<string, string>,
    status: j.status,
    endpoint: j.endpointName,
    deployment: j.deploymentName,
    files: { total: j.filesTotal, completed: j.filesCompleted, failed: j.filesFailed },
    createdAt: j.createdAt,
    startedAt: j.startedAt,
    finishedAt: j.finishedAt,
  };
}
