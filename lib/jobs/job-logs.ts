import "server-only";
import { db } from "@/lib/db";
import { notFound } from "@/lib/errors";
import { getEnvironmentBuild, type EnvironmentBuildView } from "@/lib/scoring/environments/status";
import { readJobSettings } from "./job-snapshot";

/** Mini-batches shown per request; `?miniBatch=` or `?status=failed` narrows it. */
const MAX_MINI_BATCHES = 1000;

/** Log text kept whole: a tail cut by the size limit starts with "…" mid-line, and that partial line is dropped. */
export function wholeLines(text: string | null): { lines: string[]; truncated: boolean } {
  if (!text) return { lines: [], truncated: false };
  let t = text;
  let truncated = false;
  if (t.startsWith("…")) {
    truncated = true;
    const nl = t.indexOf("\n");
    t = nl >= 0 ? t.slice(nl + 1) : "";
  }
  const lines = t.replace(/\r\n/g, "\n").split("\n");
  if (lines.length && lines[lines.length - 1] === "") lines.pop();
  return { lines, truncated };
}

export type MiniBatchLog = {
  index: number;
  status: string;
  attempts: number;
  error: string | null;
  traceback: string | null;
  lines: string[];
  truncated: boolean;
  finishedAt: Date | null;
};

// A job's captured script output per mini-batch, with the error and traceback of each failed one.
export async function getJobLogEntries(opts: { workspaceId: string; name: string; miniBatch?: number; status?: string }) {
  const job = await db.job.findFirst({
    where: { workspaceId: opts.workspaceId, name: opts.name },
    select: { id: true, name: true, status: true, error: true },
  });
  if (!job) throw notFound(`Job '${opts.name}'`);
  const rows = await db.miniBatch.findMany({
    where: {
      workspaceId: opts.workspaceId,
      jobId: job.id,
      ...(opts.miniBatch !== undefined
        ? { index: opts.miniBatch }
        : { OR: [{ log: { not: null } }, { error: { not: null } }, { traceback: { not: null } }] }),
      ...(opts.status ? { status: opts.status as never } : {}),
    },
    orderBy: { index: "asc" },
    select: { index: true, status: true, attempts: true, log: true, error: true, traceback: true, finishedAt: true },
    take: MAX_MINI_BATCHES,
  });
  if (opts.miniBatch !== undefined && !rows.length) throw notFound(`Mini-batch ${opts.miniBatch} of job '${opts.name}'`);
  const miniBatches: MiniBatchLog[] = rows.map((r) => ({
    index: r.index,
    status: r.status,
    attempts: r.attempts,
    error: r.error,
    traceback: r.traceback,
    finishedAt: r.finishedAt,
    ...wholeLines(r.log),
  }));
  return { job: job.name, status: job.status, error: job.error, miniBatches };
}

/** The same as plain text: a header line per mini-batch, its log lines, then its traceback. */
export function formatJobLogs(entries: MiniBatchLog[]): string {
  return (
    entries
      .map((m) => {
        const head = `=== mini-batch ${m.index} (${m.status}, attempt ${m.attempts})${m.error ? `: ${m.error}` : ""}`;
        const body = [...(m.truncated ? ["[earlier lines were cut to keep the last 64 KiB]"] : []), ...m.lines];
        const tb = m.traceback ? [`--- traceback of mini-batch ${m.index}`, ...wholeLines(m.traceback).lines] : [];
        return [head, ...body, ...tb].join("\n");
      })
      .join("\n") + (entries.length ? "\n" : "")
  );
}

// The environment build of the deployment version a job ran: status, pip's error and the build log.
export async function getJobEnvironmentBuild(opts: { workspaceId: string; name: string }) {
  const job = await db.job.findFirst({ where: { workspaceId: opts.workspaceId, name: opts.name }, select: { settings: true } });
  if (!job) throw notFound(`Job '${opts.name}'`);
  const settings = readJobSettings(job);
  const d = settings.deployment;
  if (settings.runtime !== "python") return null;
  return getEnvironmentBuild({
    workspaceId: opts.workspaceId,
    codeRef: d.codePath,
    files: d.condaFile || d.requirementsFile ? { condaFile: d.condaFile ?? null, requirementsFile: d.requirementsFile ?? null } : null,
    interpreter: d.interpreter,
    environmentVariables: d.environmentVariables,
  });
}

/** The build log as the text logs show it, before the mini-batches' logs. */
export function formatEnvironmentBuild(build: EnvironmentBuildView | null): string {
  if (!build) return "";
  const files = [build.condaFile, build.requirementsFile].filter(Boolean).join(" and ");
  const head = `=== environment (${files}): ${build.status.replace("_", " ")}${build.error ? `: ${build.error}` : ""}`;
  return [head, ...build.notes.map((n) => `note: ${n}`), ...(build.log ? [build.log.trimEnd()] : [])].join("\n") + "\n";
}
