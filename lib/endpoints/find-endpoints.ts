import "server-only";
import { z } from "zod";
import type { Prisma } from "@/lib/db";
import { db } from "@/lib/db";
import { notFound } from "@/lib/errors";
import { paginate, pageParamsSchema } from "@/lib/pagination";

export const findEndpointsSchema = pageParamsSchema.extend({
  q: z.string().trim().max(64).optional(),
  /** "key" (has the tag) or "key=value" */
  tag: z.string().trim().max(128).optional(),
  sort: z.enum(["name", "createdAt", "updatedAt"]).default("name"),
  dir: z.enum(["asc", "desc"]).default("asc"),
});
export type FindEndpointsInput = z.infer<typeof findEndpointsSchema>;

// Endpoints of the workspace with their default deployment and job counts, paginated on the server.
export async function findEndpoints(opts: { workspaceId: string } & Partial<FindEndpointsInput>) {
  const { page, perPage, q, tag, sort, dir } = findEndpointsSchema.parse(opts);
  const { skip, take, wrap } = paginate({ page, perPage });
  const [tagKey, tagValue] = tag ? [tag.split("=")[0].trim(), tag.includes("=") ? tag.slice(tag.indexOf("=") + 1).trim() : undefined] : [];
  const where: Prisma.EndpointWhereInput = {
    workspaceId: opts.workspaceId,
    ...(q ? { name: { contains: q, mode: "insensitive" } } : {}),
    // Tag values are strings: "contains ''" matches every endpoint that has the key.
    ...(tagKey ? { tags: tagValue !== undefined ? { path: [tagKey], equals: tagValue } : { path: [tagKey], string_contains: "" } } : {}),
  };
  const [rows, count] = await Promise.all([
    db.endpoint.findMany({
      where,
      orderBy: { [sort]: dir },
      skip,
      take,
      include: {
        deployments: { select: { id: true, name: true } },
        jobs: { orderBy: { createdAt: "desc" }, take: 1, select: { name: true, status: true } },
        _count: { select: { jobs: true } },
      },
    }),
    db.endpoint.count({ where }),
  ]);
  return wrap(
    rows.map((e) => ({
      id: e.id,
      name: e.name,
      description: e.description,
      tags: e.tags as Record<string, string>,
      defaultDeployment: e.deployments.find((d) => d.id === e.defaultDeploymentId)?.name ?? null,
      deploymentCount: e.deployments.length,
      deploymentNames: e.deployments.map((d) => d.name).sort(),
      jobCount: e._count.jobs,
      lastJob: e.jobs[0] ?? null,
      updatedAt: e.updatedAt,
    })),
    count,
  );
}

export async function getEndpointOrThrow(opts: { workspaceId: string; name: string }) {
  const endpoint = await db.endpoint.findFirst({ where: { workspaceId: opts.workspaceId, name: opts.name } });
  if (!endpoint) throw notFound(`Endpoint '${opts.name}'`);
  return endpoint;
}
