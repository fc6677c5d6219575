import "server-only";
import { z } from "zod";
import { recordAuditEvent, type Actor } from "@/lib/audit/record-audit-event";
import { db } from "@/lib/db";
import { fieldError, isUniqueViolation } from "@/lib/errors";
import { resourceNameSchema } from "@/lib/validation";

export const tagsSchema = z
  .record(
    z
      .string()
      .trim()
      .regex(/^[A-Za-z0-9_.-]{1,64}$/, "Tag keys use up to 64 letters, digits, '_', '.' or '-'."),
    z.string().max(256, "Tag values use at most 256 characters."),
  )
  .refine((t) => Object.keys(t).length <= 32, "Use at most 32 tags.");

export const createEndpointSchema = z.object({
  name: resourceNameSchema,
  description: z.string().trim().max(1000, "Use at most 1,000 characters.").optional(),
  tags: tagsSchema.default({}),
});
export type CreateEndpointInput = z.input<typeof createEndpointSchema>;

/** Parses "team=fraud, tier=gold, experimental" into tags; a bare key gets an empty value. */
export function parseTags(text: string): Record<string, string> {
  const tags: Record<string, string> = {};
  for (const part of text
    .split(",")
    .map((p) => p.trim())
    .filter(Boolean)) {
    const [k, ...v] = part.split("=");
    tags[k.trim()] = v.join("=").trim();
  }
  return tags;
}

// Creates an endpoint; its name is unique in the workspace and follows Azure's naming rule.
export async function createEndpoint(opts: { workspaceId: string; actor: Actor; input: CreateEndpointInput }) {
  const input = createEndpointSchema.parse(opts.input);
  try {
    const endpoint = await db.endpoint.create({
      data: {
        workspaceId: opts.workspaceId,
        name: input.name,
        description: input.description || null,
        tags: input.tags,
        createdById: opts.actor.userId ?? null,
      },
    });
    await recordAuditEvent({
      workspaceId: opts.workspaceId,
      actor: opts.actor,
      action: "endpoint.created",
      targetType: "endpoint",
      targetId: endpoint.id,
      metadata: { name: endpoint.name },
    });
    return endpoint;
  } catch (e) {
    if (isUniqueViolation(e))
      throw fieldError("name", `An endpoint named '${input.name}' already exists in this workspace. Choose another name.`, "CONFLICT");
    throw e;
  }
}
