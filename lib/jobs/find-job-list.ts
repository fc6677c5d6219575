import "server-only";
import { z } from "zod";
import type { Prisma } from "@/lib/db";
import { db } from "@/lib/db";
import { paginate, pageParamsSchema } from "@/lib/pagination";
import { JOB_STATUSES } from "./find-jobs";
import { jobProgress } from "./progress";

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "Use a date as YYYY-MM-DD.");

export const findJobListSchema = pageParamsSchema.extend({
  status: z.enum(JOB_STATUSES).optional(),
  endpoint: z.string().trim().max(64).optional(),
  submitter: z.string().trim().max(64).optional(),
  /** jobs started by this job definition (by name) */
  definition: z.string().trim().max(64).optional(),
  from: day.optional(),
  to: day.optional(),
});
export type FindJobListInput = z.infer<typeof findJobListSchema>;

// The dashboard's job list: filters by status, endpoint, submitter and day range; every filter sits beside (workspaceId, createdAt) so the index serves the order and the page.
export async function findJobList(opts: { workspaceId: string } & Partial<FindJobListInput>) {
  const { page, perPage, status, endpoint, submitter, definition, from, to } = findJobListSchema.parse(opts);
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
  };
  const [rows, count] = await Promise.all([
    db.job.findMany({
      where,
      // id breaks ties so a page boundary never repeats or skips a job.
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      skip,
      take,
      select: {
        name: true, status: true, endpointName: true, deploymentName: true, deploymentVersion: true, createdAt: true, startedAt: true, finishedAt: true,
        miniBatchesTotal: true, miniBatchesCompleted: true, miniBatchesFailed: true, filesTotal: true, filesCompleted: true, filesFailed: true,
        submittedById: true, submittedVia: true,
      },
    }),
    db.job.count({ where }),
  ]);
  const userIds = [...new Set(rows.map((r) => r.submittedById).filter((id): id is string => !!id))];
  const users = userIds.length ? await db.user.findMany({ where: { id: { in: userIds } }, select: { id: true, email: true, name: true } }) : [];
  const byId = new Map(users.map((u) => [u.id, u]));
  return wrap(
    rows.map(({ submittedById, ...r }) => {
      const user = submittedById ? byId.get(submittedById) : undefined;
      const progress = jobProgress(r);
      return {
        ...r,
        submittedBy: user ? (user.name ?? user.email) : `via ${r.submittedVia}`,
        durationSeconds: progress.elapsedSeconds,
        percent: progress.percent,
      };
    }),
    count,
  );
}

// What the job filters offer: the workspace's endpoints and members.
export async function findJobFilterOptions(opts: { workspaceId: string }) {
  const [endpoints, members] = await Promise.all([
    db.endpoint.findMany({ where: { workspaceId: opts.workspaceId }, orderBy: { name: "asc" }, select: { name: true }, take: 500 }),
    db.membership.findMany({ where: { workspaceId: opts.workspaceId }, orderBy: { createdAt: "asc" }, select: { user: { select: { id: true, email: true, name: true } } } }),
  ]);
  return { endpoints: endpoints.map((e) => e.name), submitters: members.map((m) => ({ id: m.user.id, label: m.user.name ? `${m.user.name} (${m.user.email})` : m.user.email })) };
}
