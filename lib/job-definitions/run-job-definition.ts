import "server-only";
import type { Actor } from "@/lib/audit/record-audit-event";
import { db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import type { InvokeJobInput } from "@/lib/jobs/invoke-job";
import { startJob } from "@/lib/jobs/job-commands";
import { jobDefinitionRunEventId } from "@/lib/events/job-definitions";
import { getJobDefinitionOrThrow } from "./job-definitions";
import { expandOutputPath, latestSlotAtOrBefore, nextRunAfter } from "./schedule";
import { OPEN_JOB_STATUSES } from "@/shared/job-status";

/** Job states that count as "the previous run is still going" for the skip policy. */
/** How long a runner holds a definition while it checks for overlap and starts the job. */
const CLAIM_MS = 60_000;

type Def = Awaited<ReturnType<typeof getJobDefinitionOrThrow>>;

function invokeInput(def: Def, at: Date, idempotencyKey?: string): InvokeJobInput {
  const spec = def.spec as InvokeJobInput;
  const output = spec.output?.path
    ? { ...spec.output, path: expandOutputPath(spec.output.path, { at, timezone: def.timezone, definition: def.name }) }
    : spec.output;
  return {
    ...spec,
    ...(output ? { output } : {}),
    ...(def.deploymentName ? { deploymentName: def.deploymentName } : {}),
    ...(idempotencyKey ? { idempotencyKey } : {}),
  };
}

function start(def: Def, actor: Actor, input: InvokeJobInput, via: string, scheduledFor: Date | null) {
  return startJob({
    workspaceId: def.workspaceId,
    actor,
    endpointName: def.endpoint.name,
    input,
    via,
    origin: { jobDefinitionId: def.id, scheduledFor },
  });
}

// Runs a definition now, whatever its schedule and overlap policy say: the caller asked for it.
export async function runJobDefinitionNow(opts: { workspaceId: string; actor: Actor; name: string }) {
  const def = await getJobDefinitionOrThrow(opts);
  const { job, created } = await start(def, opts.actor, invokeInput(def, new Date()), "definition", null);
  await db.jobDefinition.update({ where: { id: def.id }, data: { lastRunAt: new Date() } });
  return { job, created, definition: def };
}

export type ScheduledRunResult =
  | { started: true; job: string; created: boolean }
  | { started: false; reason: "missing" | "disabled" | "skipped" | "refused"; note?: string };

/**
 * The run of one scheduled time. Exactly once per (definition, time): the job's idempotency key is
 * derived from both, so a repeated event, a retry after a crash or a second replica returns the same
 * job. With the `skip` policy, a run whose previous job is unfinished is skipped and the reason kept.
 */
export async function runScheduledJobDefinition(opts: {
  workspaceId: string;
  definitionId: string;
  scheduledFor: Date;
}): Promise<ScheduledRunResult> {
  const row = await db.jobDefinition.findFirst({ where: { id: opts.definitionId, workspaceId: opts.workspaceId }, select: { name: true } });
  if (!row) return { started: false, reason: "missing" };
  const def = await getJobDefinitionOrThrow({ workspaceId: opts.workspaceId, name: row.name });
  if (!def.enabled) return { started: false, reason: "disabled" };
  const key = `jobdef:${jobDefinitionRunEventId(def.id, opts.scheduledFor)}`;
  const prior = await db.job.findFirst({ where: { workspaceId: def.workspaceId, idempotencyKey: key }, select: { name: true } });
  if (prior) return { started: true, job: prior.name, created: false };

  const now = new Date();
  const claimed = await db.jobDefinition.updateMany({
    where: { id: def.id, OR: [{ runClaimUntil: null }, { runClaimUntil: { lt: now } }] },
    data: { runClaimUntil: new Date(now.getTime() + CLAIM_MS) },
  });
  // Another run of this definition is starting this very moment: retry once it has (the claim is short).
  if (claimed.count === 0) throw new Error(`Job definition '${def.name}' is starting another run; this one will be retried.`);
  const when = opts.scheduledFor.toISOString();
  const note = (text: string) =>
    db.jobDefinition.update({ where: { id: def.id }, data: { lastRunAt: now, lastRunNote: text, runClaimUntil: null } });
  try {
    if (def.overlapPolicy === "skip") {
      const active = await db.job.findFirst({
        where: { workspaceId: def.workspaceId, jobDefinitionId: def.id, status: { in: [...OPEN_JOB_STATUSES] } },
        orderBy: { createdAt: "desc" },
        select: { name: true, status: true },
      });
      if (active) {
        const text = `Skipped the run scheduled for ${when}: job ${active.name} was still ${active.status}.`;
        await note(text);
        return { started: false, reason: "skipped", note: text };
      }
    }
    const { job, created } = await start(def, {}, invokeInput(def, opts.scheduledFor, key), "schedule", opts.scheduledFor);
    await db.jobDefinition.update({ where: { id: def.id }, data: { lastRunAt: now, lastRunNote: null, runClaimUntil: null } });
    return { started: true, job: job.name, created };
  } catch (e) {
    // A run the platform refuses (the output exists, the input moved) will not succeed on retry: keep the reason for the user.
    if (e instanceof AppError && e.status < 500) {
      const text = `Could not start the run scheduled for ${when}: ${e.message}`;
      await note(text);
      return { started: false, reason: "refused", note: text };
    }
    await db.jobDefinition.update({ where: { id: def.id }, data: { runClaimUntil: null } });
    throw e;
  }
}

/** Whether any enabled job definition has a schedule. Claiming due slots does not change it. */
export async function anyScheduledJobDefinition(): Promise<boolean> {
  return (await db.jobDefinition.findFirst({ where: { enabled: true, schedule: { not: null } }, select: { id: true } })) !== null;
}

/**
 * The scheduler's tick: every enabled definition whose next run is due gets one run, for the latest
 * scheduled time at or before `now` (slots missed while the server was down collapse into one), and
 * its next run moves past `now`. Moving it is conditional on the value read, so of several replicas
 * ticking at once exactly one claims each slot. Returns the run events to send.
 */
export async function claimDueJobDefinitions(now = new Date()) {
  const due = await db.jobDefinition.findMany({
    where: { enabled: true, schedule: { not: null }, nextRunAt: { lte: now } },
    select: { id: true, workspaceId: true, schedule: true, timezone: true, nextRunAt: true },
    orderBy: { nextRunAt: "asc" },
    take: 500,
  });
  const runs: { workspaceId: string; definitionId: string; scheduledFor: string }[] = [];
  for (const d of due) {
    const schedule = d.schedule as string;
    const dueAt = d.nextRunAt as Date;
    const latest = latestSlotAtOrBefore(schedule, d.timezone, now);
    const slot = latest && latest >= dueAt ? latest : dueAt;
    const claimed = await db.jobDefinition.updateMany({
      where: { id: d.id, nextRunAt: dueAt },
      data: { nextRunAt: nextRunAfter(schedule, d.timezone, now) },
    });
    if (claimed.count === 1) runs.push({ workspaceId: d.workspaceId, definitionId: d.id, scheduledFor: slot.toISOString() });
  }
  return runs;
}
