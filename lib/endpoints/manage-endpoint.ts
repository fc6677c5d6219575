import "server-only";
import { z } from "zod";
import { recordAuditEvent, type Actor } from "@/lib/audit/record-audit-event";
import { db } from "@/lib/db";
import { fieldError, notFound } from "@/lib/errors";
import { createEndpointSchema, tagsSchema } from "./create-endpoint";
import { getEndpointOrThrow } from "./find-endpoints";

export const updateEndpointSchema = z.object({
  description: createEndpointSchema.shape.description,
  tags: tagsSchema.optional(), // not createEndpointSchema's: its default would wipe tags on every PATCH
  defaults: z.object({ deploymentName: z.string().trim().min(1) }).optional(),
});
export type UpdateEndpointInput = z.input<typeof updateEndpointSchema>;

// Changes an endpoint's description, tags or default deployment.
export async function updateEndpoint(opts: { workspaceId: string; actor: Actor; name: string; input: UpdateEndpointInput }) {
  const input = updateEndpointSchema.parse(opts.input);
  const endpoint = await getEndpointOrThrow({ workspaceId: opts.workspaceId, name: opts.name });
  let defaultDeploymentId: string | undefined;
  if (input.defaults) {
    const d = await db.deployment.findFirst({
      where: { workspaceId: opts.workspaceId, endpointId: endpoint.id, name: input.defaults.deploymentName },
    });
    if (!d)
      throw fieldError(
        "defaults.deploymentName",
        `Endpoint '${endpoint.name}' has no deployment named '${input.defaults.deploymentName}'.`,
        "NOT_FOUND",
      );
    defaultDeploymentId = d.id;
  }
  const updated = await db.endpoint.update({
    where: { id: endpoint.id },
    data: {
      ...(input.description !== undefined ? { description: input.description || null } : {}),
      ...(input.tags ? { tags: input.tags } : {}),
      ...(defaultDeploymentId ? { defaultDeploymentId } : {}),
    },
  });
  await recordAuditEvent({
    workspaceId: opts.workspaceId,
    actor: opts.actor,
    action: "endpoint.updated",
    targetType: "endpoint",
    targetId: endpoint.id,
    metadata: input,
  });
  return updated;
}

// Deletes an endpoint and its deployments; its jobs stay, with their outputs.
export async function deleteEndpoint(opts: { workspaceId: string; actor: Actor; name: string }) {
  const endpoint = await db.endpoint.findFirst({ where: { workspaceId: opts.workspaceId, name: opts.name } });
  if (!endpoint) throw notFound(`Endpoint '${opts.name}'`);
  await db.endpoint.delete({ where: { id: endpoint.id } });
  await recordAuditEvent({
    workspaceId: opts.workspaceId,
    actor: opts.actor,
    action: "endpoint.deleted",
    targetType: "endpoint",
    targetId: endpoint.id,
    metadata: { name: endpoint.name },
  });
}
