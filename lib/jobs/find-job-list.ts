import "server-only";
import { z } from "zod";
import type { Prisma } from "@/lib/db";
import { db } from "@/lib/db";
import { paginate, pageParamsSchema } from "@/lib/pagination";
import { jobProgress } from "./progress";
import { JOB_STATUSES } from "@/shared/job-status";

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "Use a date as YYYY-MM-DD.");

export const findJobListSchema = pageParamsSchema.extend({
  status: z.enum(JOB_STATUSES).optional(),
  endpoint: z.string().trim().max(64).optional(),
  submitter: z.string().trim().max(64).optional(),
  /** jobs started by this job definition (by name) */
  definition: z.string().trim().max(64).optional(),
  from: day.optional(),
  to: day.optional(),
  // Search by job name or display name (a substring, any case), or by a tag as KEY=VALUE; and the table's sortable columns.
  q: z.string().trim().max(128).optional(),
  /** a tag: KEY=VALUE, or KEY for any value */
  tag: z.string().trim().max(330).optional(),
  sort: z.enum(["created", "name", "status", "endpoint", "files", "failed"]).optional(),
  dir: z.enum(["asc", "desc"]).optional(),
});

const SORT_FIELD = {
  created: "createdAt",
  name: "name",
  status: "status",
  endpoint: "endpointName",
  files: "filesTotal",
  failed: "filesFailed",
} as const;
export type FindJobListInput = z.infer<typeof findJobListSchema>;
/** A search like `team=risk` looks for that tag instead of a name. */
const TAG_QUERY = /^[A-Za-z0-9_.-]{1,64}=/;

// The dashboard's job list: filters by status, endpoint, submitter and day range; every filter sits beside (workspaceId, createdAt) so the index serves the order and the page.
export async function findJobList(opts: { workspaceId: string } & Partial<FindJobListInput>) {
  const { page, perPage, status, endpoint, submitter, definition, from, to, q, tag, sort, dir } = findJobListSchema.parse(opts);
  const { skip, take, wrap } = paginate({ page, perPage });
  const createdAt: Prisma.DateTimeFilter = {};
  if (from) createdAt.gte = new Date(`${from}T00:00:00.000Z`);
  if (to) createdAt.lt = new Date(new Date(`${to}T00:00:00.000Z`).getTime() + 86_400_000);
  const where: Prisma.JobWhereInput = {
    workspaceId: opts.workspaceId,
    ...(status ? { status } : {}),
    ...(endpoint ? { endpointName: endpoint } : {}),
    ...(submitter ? { submittedById: submitter } : {}),
    ...(definition ? { jobDefinition: { name: definition } } : {}),
    ...(from || to ? { createdAt } : {}),
    ...(q && !TAG_QUERY.test(q)
      ? {
          OR: [{ name: { contains: q, mode: "insensitive" as const } }, { displayName: { contains: q, mode: "insensitive" as const } }],
        }
      : {}),
  };
  const tagFilter = tag ?? (q && TAG_QUERY.test(q) ? q : undefined);
  if (tagFilter) {
    const eq = tagFilter.indexOf("=");
    const key = (eq < 0 ? tagFilter : tagFilter.slice(0, eq)).trim();
    // Tag values are strings: "contains ''" matches every job that has the key.
    where.tags = eq < 0 ? { path: [key], string_contains: "" } : { path: [key], equals: tagFilter.slice(eq + 1).trim() };
  }
  const field = SORT_FIELD[sort ?? "created"];
  const order = dir ?? (sort && sort !== "created" ? "asc" : "desc");
  const orderBy: Prisma.JobOrderByWithRelationInput[] =
    field === "createdAt" ? [{ createdAt: order }, { id: order }] : [{ [field]: order }, { createdAt: "desc" }, { id: "desc" }];
  const [rows, count] = await Promise.all([
    db.job.findMany({
      where,
      // id breaks ties so a page boundary never repeats or skips a job.
      orderBy,
      skip,
      take,
      select: {
        id: true,
        name: true,
        displayName: true,
        tags: true,
        status: true,
        endpointName: true,
        deploymentName: true,
        deploymentVersion: true,
        createdAt: true,
        startedAt: true,
        finishedAt: true,
        miniBatchesTotal: true,
        miniBatchesCompleted: true,
        miniBatchesFailed: true,
        filesTotal: true,
        filesCompleted: true,
        filesFailed: true,
        submittedById: true,
        submittedVia: true,
      },
    }),
    db.job.count({ where }),
  ]);
  const userIds = [...new Set(rows.map((r) => r.submittedById).filter((id): id is string => !!id))];
  const users = userIds.length
    ? await db.user.findMany({ where: { id: { in: userIds } }, select: { id: true, email: true, name: true } })
    : [];
  const byId = new Map(users.map((u) => [u.id, u]));
  const tokenNames = await tokenSubmitters(opts.workspaceId, rows);
  return wrap(
    rows.map(({ submittedById, id, ...r }) => {
      const user = submittedById ? byId.get(submittedById) : undefined;
      const progress = jobProgress(r);
      return {
        ...r,
        tags: (r.tags ?? {}) as Record<string, string>,
        submittedBy: user ? (user.name ?? user.email) : (tokenNames.get(id) ?? `via ${r.submittedVia}`),
        durationSeconds: progress.elapsedSeconds,
        percent: progress.percent,
      };
    }),
    count,
  );
}

// Jobs started with an API token name the token: the "job.invoked" audit event, written right after the job, holds it.
async function tokenSubmitters(workspaceId: string, rows: { id: string; submittedById: string | null; createdAt: Date }[]) {
  const viaToken = rows.filter((r) => !r.submittedById);
  if (!viaToken.length) return new Map<string, string>();
  const times = viaToken.map((r) => r.createdAt.getTime());
  const events = await db.auditEvent.findMany({
    where: {
      workspaceId,
      action: "job.invoked",
      targetId: { in: viaToken.map((r) => r.id) },
      actorTokenId: { not: null },
      // The (workspaceId, createdAt) index bounds the scan to this page's time range.
      createdAt: { gte: new Date(Math.min(...times)), lte: new Date(Math.max(...times) + 60_000) },
    },
    select: { targetId: true, actorTokenId: true },
  });
  const tokenIds = [...new Set(events.map((e) => e.actorTokenId!))];
  const tokens = tokenIds.length
    ? await db.apiToken.findMany({ where: { workspaceId, id: { in: tokenIds } }, select: { id: true, name: true } })
    : [];
  const tokenName = new Map(tokens.map((t) => [t.id, t.name]));
  return new Map(events.filter((e) => tokenName.has(e.actorTokenId!)).map((e) => [e.targetId!, `token ${tokenName.get(e.actorTokenId!)}`]));
}

// What the job filters offer: the workspace's endpoints and members.
export async function findJobFilterOptions(opts: { workspaceId: string }) {
  const [endpoints, members] = await Promise.all([
    db.endpoint.findMany({ where: { workspaceId: opts.workspaceId }, orderBy: { name: "asc" }, select: { name: true }, take: 500 }),
    db.membership.findMany({
      where: { workspaceId: opts.workspaceId },
      orderBy: { createdAt: "asc" },
      select: { user: { select: { id: true, email: true, name: true } } },
    }),
  ]);
  return {
    endpoints: endpoints.map((e) => e.name),
    submitters: members.map((m) => ({ id: m.user.id, label: m.user.name ? `${m.user.name} (${m.user.email})` : m.user.email })),
  };
}
