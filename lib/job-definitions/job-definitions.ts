import "server-only";
import { z } from "zod";
import { recordAuditEvent, type Actor } from "@/lib/audit/record-audit-event";
import { db, type Prisma } from "@/lib/db";
import { fieldError, isUniqueViolation, notFound } from "@/lib/errors";
import { invokeJobSchema } from "@/lib/jobs/invoke-job";
import { paginate, pageParamsSchema } from "@/lib/pagination";
import { resourceNameSchema } from "@/lib/validation";
import { cronError, fieldsToCron, isTimeZone, nextRunAfter, scheduleFieldsSchema } from "./schedule";

export const OVERLAP_POLICIES = ["skip", "allow"] as const;
export type OverlapPolicy = (typeof OVERLAP_POLICIES)[number];

/** The saved invoke body: what POST /endpoints/{e}/jobs takes, less the deployment (a field of its own) and the idempotency key. */
const specSchema = z.unknown().superRefine((v, ctx) => {
  if (typeof v !== "object" || v === null || Array.isArray(v)) {
    ctx.addIssue({ code: "custom", message: "Give the job spec as an object, as for invoking the endpoint: { input, output, ... }." });
    return;
  }
  for (const key of ["deploymentName", "idempotencyKey"]) {
    if (key in v)
      ctx.addIssue({
        code: "custom",
        path: [key],
        message:
          key === "deploymentName"
            ? "Set deploymentName on the definition, not in its spec."
            : "Scheduled runs get their own idempotency keys; leave idempotencyKey out.",
      });
  }
  // A definition is stored readable by the workspace: a job's own secrets are never saved in one (docs/decisions/0018).
  for (const key of ["storage", "environmentVariables"]) {
    if (key in v)
      ctx.addIssue({
        code: "custom",
        path: [key],
        message: `A job definition cannot hold ${key === "storage" ? "storage credentials" : "per-job environment variables"}, which are secrets; ${key === "storage" ? "register the account as a datastore" : "set them in the deployment's environment_variables"} instead.`,
      });
  }
  const parsed = invokeJobSchema.safeParse(v);
  if (!parsed.success)
    for (const issue of parsed.error.issues) ctx.addIssue({ ...issue, code: "custom", message: issue.message, path: issue.path });
});

const scheduleSchema = z
  .union([z.string().trim().min(1, "Give a cron expression, or null for no schedule."), scheduleFieldsSchema])
  .nullable();

const fields = {
  name: resourceNameSchema,
  description: z.string().trim().max(1000, "Use at most 1,000 characters.").nullable(),
  endpointName: z.string().trim().min(1, "Name the endpoint the definition invokes."),
  deploymentName: z.string().trim().min(1).nullable(),
  spec: specSchema,
  schedule: scheduleSchema,
  timezone: z.string().trim().refine(isTimeZone, "Use an IANA time zone such as UTC or Europe/Berlin."),
  enabled: z.boolean(),
  overlapPolicy: z.enum(OVERLAP_POLICIES, {
    error: "Use skip (the default: a run is skipped while the previous one is unfinished) or allow.",
  }),
};

export const createJobDefinitionSchema = z.strictObject({
  ...fields,
  description: fields.description.optional(),
  deploymentName: fields.deploymentName.optional(),
  schedule: fields.schedule.optional(),
  timezone: fields.timezone.default("UTC"),
  enabled: fields.enabled.default(true),
  overlapPolicy: fields.overlapPolicy.default("skip"),
});
export type CreateJobDefinitionInput = z.input<typeof createJobDefinitionSchema>;

export const updateJobDefinitionSchema = z.strictObject({
  name: fields.name.optional(),
  description: fields.description.optional(),
  deploymentName: fields.deploymentName.optional(),
  spec: fields.spec.optional(),
  schedule: fields.schedule.optional(),
  timezone: fields.timezone.optional(),
  enabled: fields.enabled.optional(),
  overlapPolicy: fields.overlapPolicy.optional(),
});
export type UpdateJobDefinitionInput = z.input<typeof updateJobDefinitionSchema>;

/** A cron expression from either form, checked; throws a field error naming `schedule`. */
function cronOf(schedule: z.infer<typeof scheduleSchema> | undefined, timezone: string): string | null {
  if (schedule === undefined || schedule === null) return null;
  const expression = typeof schedule === "string" ? schedule : fieldsToCron(schedule);
  const error = cronError(expression, timezone);
  if (error) throw fieldError("schedule", error);
  return expression;
}

/** When an enabled, scheduled definition next fires (after `now`); null otherwise. */
export function computeNextRunAt(d: { schedule: string | null; timezone: string; enabled: boolean }, now = new Date()): Date | null {
  return d.enabled && d.schedule ? nextRunAfter(d.schedule, d.timezone, now) : null;
}

/** The endpoint a definition invokes, and its named deployment if it names one; a missing default is fine (resolved at each run). */
async function checkTarget(workspaceId: string, endpointName: string, deploymentName: string | null | undefined) {
  const endpoint = await db.endpoint.findFirst({ where: { workspaceId, name: endpointName } });
  if (!endpoint) throw fieldError("endpointName", `Endpoint '${endpointName}' was not found in this workspace.`, "NOT_FOUND");
  if (deploymentName) {
    const deployment = await db.deployment.findFirst({
      where: { workspaceId, endpointId: endpoint.id, name: deploymentName },
      select: { id: true },
    });
    if (!deployment)
      throw fieldError("deploymentName", `Endpoint '${endpointName}' has no deployment named '${deploymentName}'.`, "NOT_FOUND");
  }
  return endpoint;
}

function conflict(name: string) {
  return fieldError("name", `A job definition named '${name}' already exists in this workspace. Choose another name.`, "CONFLICT");
}

// Saves an invoke spec under a name, with an optional schedule; the first scheduled run is computed now.
export async function createJobDefinition(opts: { workspaceId: string; actor: Actor; input: CreateJobDefinitionInput }) {
  const input = createJobDefinitionSchema.parse(opts.input);
  const schedule = cronOf(input.schedule, input.timezone);
  const endpoint = await checkTarget(opts.workspaceId, input.endpointName, input.deploymentName);
  try {
    const def = await db.jobDefinition.create({
      data: {
        workspaceId: opts.workspaceId,
        name: input.name,
        description: input.description ?? null,
        endpointId: endpoint.id,
        deploymentName: input.deploymentName ?? null,
        spec: input.spec as Prisma.InputJsonValue,
        schedule,
        timezone: input.timezone,
        enabled: input.enabled,
        overlapPolicy: input.overlapPolicy,
        nextRunAt: computeNextRunAt({ schedule, timezone: input.timezone, enabled: input.enabled }),
        createdById: opts.actor.userId ?? null,
      },
    });
    await recordAuditEvent({
      workspaceId: opts.workspaceId,
      actor: opts.actor,
      action: "jobdefinition.created",
      targetType: "jobDefinition",
      targetId: def.id,
      metadata: { name: def.name },
    });
    return def;
  } catch (e) {
    if (isUniqueViolation(e)) throw conflict(input.name);
    throw e;
  }
}

export async function getJobDefinitionOrThrow(opts: { workspaceId: string; name: string }) {
  const def = await db.jobDefinition.findFirst({
    where: { workspaceId: opts.workspaceId, name: opts.name },
    include: { endpoint: { select: { name: true } } },
  });
  if (!def) throw notFound(`Job definition '${opts.name}'`);
  return def;
}

// Changes a definition; a new schedule, time zone or enabled flag moves its next run.
export async function updateJobDefinition(opts: { workspaceId: string; actor: Actor; name: string; input: UpdateJobDefinitionInput }) {
  const input = updateJobDefinitionSchema.parse(opts.input);
  const def = await getJobDefinitionOrThrow(opts);
  const timezone = input.timezone ?? def.timezone;
  const schedule = input.schedule !== undefined ? cronOf(input.schedule, timezone) : def.schedule;
  if (input.timezone !== undefined && schedule) cronOf(schedule, timezone);
  const enabled = input.enabled ?? def.enabled;
  if (input.deploymentName !== undefined) await checkTarget(opts.workspaceId, def.endpoint.name, input.deploymentName);
  const timing = input.schedule !== undefined || input.timezone !== undefined || input.enabled !== undefined;
  try {
    const updated = await db.jobDefinition.update({
      where: { id: def.id },
      data: {
        ...(input.name !== undefined ? { name: input.name } : {}),
        ...(input.description !== undefined ? { description: input.description } : {}),
        ...(input.deploymentName !== undefined ? { deploymentName: input.deploymentName } : {}),
        ...(input.spec !== undefined ? { spec: input.spec as Prisma.InputJsonValue } : {}),
        ...(input.overlapPolicy !== undefined ? { overlapPolicy: input.overlapPolicy } : {}),
        schedule,
        timezone,
        enabled,
        ...(timing ? { nextRunAt: computeNextRunAt({ schedule, timezone, enabled }) } : {}),
      },
    });
    const action =
      input.enabled !== undefined && Object.keys(input).length === 1
        ? enabled
          ? "jobdefinition.enabled"
          : "jobdefinition.disabled"
        : "jobdefinition.updated";
    await recordAuditEvent({
      workspaceId: opts.workspaceId,
      actor: opts.actor,
      action,
      targetType: "jobDefinition",
      targetId: def.id,
      metadata: { name: updated.name },
    });
    return updated;
  } catch (e) {
    if (isUniqueViolation(e) && input.name) throw conflict(input.name);
    throw e;
  }
}

// Deletes a definition; its jobs stay, no longer linked to it.
export async function deleteJobDefinition(opts: { workspaceId: string; actor: Actor; name: string }) {
  const def = await getJobDefinitionOrThrow(opts);
  await db.jobDefinition.delete({ where: { id: def.id } });
  await recordAuditEvent({
    workspaceId: opts.workspaceId,
    actor: opts.actor,
    action: "jobdefinition.deleted",
    targetType: "jobDefinition",
    targetId: def.id,
    metadata: { name: def.name },
  });
}

// Copies a definition under a new name. The copy starts disabled, so two identical schedules do not both fire.
export async function cloneJobDefinition(opts: { workspaceId: string; actor: Actor; name: string; newName: string }) {
  const def = await getJobDefinitionOrThrow(opts);
  return createJobDefinition({
    workspaceId: opts.workspaceId,
    actor: opts.actor,
    input: {
      name: opts.newName,
      description: def.description,
      endpointName: def.endpoint.name,
      deploymentName: def.deploymentName,
      spec: def.spec,
      schedule: def.schedule,
      timezone: def.timezone,
      enabled: false,
      overlapPolicy: def.overlapPolicy as OverlapPolicy,
    },
  });
}

export const findJobDefinitionsSchema = pageParamsSchema.extend({
  q: z.string().trim().max(64).optional(),
  endpoint: z.string().trim().max(64).optional(),
});

const SUCCESS = ["completed"] as const;

type DefRow = Prisma.JobDefinitionGetPayload<{ include: { endpoint: { select: { name: true } } } }>;

/** The last job and the last successful job of each definition, in two queries. */
async function lastRuns(workspaceId: string, ids: string[]) {
  if (!ids.length) return { last: new Map(), ok: new Map() };
  const select = { name: true, status: true, createdAt: true, finishedAt: true, scheduledFor: true, jobDefinitionId: true } as const;
  const [last, ok] = await Promise.all([
    db.job.findMany({
      where: { workspaceId, jobDefinitionId: { in: ids } },
      orderBy: { createdAt: "desc" },
      distinct: ["jobDefinitionId"],
      select,
    }),
    db.job.findMany({
      where: { workspaceId, jobDefinitionId: { in: ids }, status: { in: [...SUCCESS] } },
      orderBy: { createdAt: "desc" },
      distinct: ["jobDefinitionId"],
      select,
    }),
  ]);
  const byDef = (rows: typeof last) => new Map(rows.map((r) => [r.jobDefinitionId, r]));
  return { last: byDef(last), ok: byDef(ok) };
}

type RunRow = { name: string; status: string; createdAt: Date; finishedAt: Date | null; scheduledFor: Date | null };

/** A definition as the API, the CLI and the dashboard show it. */
export function presentJobDefinition(d: DefRow, runs: { last?: RunRow; ok?: RunRow }, baseUrl = "") {
  const run = (r?: RunRow) =>
    r ? { job: r.name, status: r.status, at: r.createdAt, finishedAt: r.finishedAt, scheduledFor: r.scheduledFor } : null;
  const self = `${baseUrl}/api/v1/job-definitions/${d.name}`;
  return {
    name: d.name,
    description: d.description,
    endpoint: d.endpoint.name,
    deployment: d.deploymentName,
    spec: d.spec,
    schedule: d.schedule ? { cron: d.schedule, timezone: d.timezone } : null,
    enabled: d.enabled,
    overlapPolicy: d.overlapPolicy,
    nextRunAt: d.enabled ? d.nextRunAt : null,
    lastRun: run(runs.last),
    lastSuccessfulRun: run(runs.ok),
    lastRunNote: d.lastRunNote,
    lastRunAt: d.lastRunAt,
    createdAt: d.createdAt,
    updatedAt: d.updatedAt,
    links: { self, run: `${self}/run`, clone: `${self}/clone`, jobs: `${self}/jobs` },
  };
}
export type PresentedJobDefinition = ReturnType<typeof presentJobDefinition>;

// Definitions of the workspace with their next, last and last successful runs, paginated on the server.
export async function findJobDefinitions(
  opts: { workspaceId: string; baseUrl?: string } & Partial<z.infer<typeof findJobDefinitionsSchema>>,
) {
  const { page, perPage, q, endpoint } = findJobDefinitionsSchema.parse(opts);
  const { skip, take, wrap } = paginate({ page, perPage });
  const where: Prisma.JobDefinitionWhereInput = {
    workspaceId: opts.workspaceId,
    ...(q ? { name: { contains: q, mode: "insensitive" } } : {}),
    ...(endpoint ? { endpoint: { name: endpoint } } : {}),
  };
  const [rows, count] = await Promise.all([
    db.jobDefinition.findMany({ where, orderBy: { name: "asc" }, skip, take, include: { endpoint: { select: { name: true } } } }),
    db.jobDefinition.count({ where }),
  ]);
  const runs = await lastRuns(
    opts.workspaceId,
    rows.map((r) => r.id),
  );
  return wrap(
    rows.map((r) => presentJobDefinition(r, { last: runs.last.get(r.id), ok: runs.ok.get(r.id) }, opts.baseUrl)),
    count,
  );
}

export async function showJobDefinition(opts: { workspaceId: string; name: string; baseUrl?: string }) {
  const def = await getJobDefinitionOrThrow(opts);
  const runs = await lastRuns(opts.workspaceId, [def.id]);
  return presentJobDefinition(def, { last: runs.last.get(def.id), ok: runs.ok.get(def.id) }, opts.baseUrl);
}
