"use server";

import { revalidatePath } from "next/cache";
import { headers } from "next/headers";
import { z } from "zod";
import { workspaceActionClient } from "@/lib/actions/safe-action";
import { createApiToken, createApiTokenSchema, revokeApiToken } from "@/lib/api-tokens/api-tokens";
import { getEnv } from "@/lib/env";
import { inviteMember, inviteMemberSchema } from "@/lib/members/invite-member";
import { removeMember, revokeInvitation, updateMemberRole } from "@/lib/members/manage-members";
import { roleSchema } from "@/lib/validation";
import { createWorkspaceSchema } from "@/lib/workspaces/create-workspace";
import { updateWorkspace } from "@/lib/workspaces/update-workspace";
import { createWebhook, type CreateWebhookInput } from "@/lib/webhooks/create-webhook";
import { deleteWebhook } from "@/lib/webhooks/find-webhooks";
import { redeliverWebhookDelivery, sendWebhookTestEvent } from "@/lib/webhooks/redeliver-webhook";

const ws = z.object({ workspace: z.string() });

async function baseUrl() {
  const configured = getEnv().NEXTAUTH_URL;
  if (configured) return configured;
  const h = await headers();
  return `${h.get("x-forwarded-proto") ?? "http"}://${h.get("host")}`;
}

// Renames the workspace.
export const updateWorkspaceAction = workspaceActionClient
  .metadata({ name: "updateWorkspace", permission: "workspace:update" })
  .inputSchema(ws.extend(createWorkspaceSchema.shape))
  .action(async ({ parsedInput, ctx }) => {
    await updateWorkspace({ workspaceId: ctx.workspace.id, actor: ctx.actor, name: parsedInput.name });
    revalidatePath(`/w/${ctx.workspace.slug}`, "layout");
  });

// Invites a member by email; returns the one-time link to share.
export const inviteMemberAction = workspaceActionClient
  .metadata({ name: "inviteMember", permission: "member:manage" })
  .inputSchema(ws.extend(inviteMemberSchema.shape))
  .action(async ({ parsedInput, ctx }) => {
    const { url, emailed, invitation } = await inviteMember({
      workspaceId: ctx.workspace.id,
      actor: ctx.actor,
      baseUrl: await baseUrl(),
      email: parsedInput.email,
      role: parsedInput.role,
    });
    revalidatePath(`/w/${ctx.workspace.slug}/settings/members`);
    return { url, emailed, email: invitation.email };
  });

// Changes a member's role.
export const updateMemberRoleAction = workspaceActionClient
  .metadata({ name: "updateMemberRole", permission: "member:manage" })
  .inputSchema(ws.extend({ membershipId: z.string().min(1), role: roleSchema }))
  .action(async ({ parsedInput, ctx }) => {
    await updateMemberRole({
      workspaceId: ctx.workspace.id,
      actor: ctx.actor,
      membershipId: parsedInput.membershipId,
      role: parsedInput.role,
    });
    revalidatePath(`/w/${ctx.workspace.slug}/settings/members`);
  });

// Removes a member from the workspace.
export const removeMemberAction = workspaceActionClient
  .metadata({ name: "removeMember", permission: "member:manage" })
  .inputSchema(ws.extend({ membershipId: z.string().min(1) }))
  .action(async ({ parsedInput, ctx }) => {
    await removeMember({ workspaceId: ctx.workspace.id, actor: ctx.actor, membershipId: parsedInput.membershipId });
    revalidatePath(`/w/${ctx.workspace.slug}/settings/members`);
  });

// Withdraws a pending invitation.
export const revokeInvitationAction = workspaceActionClient
  .metadata({ name: "revokeInvitation", permission: "member:manage" })
  .inputSchema(ws.extend({ invitationId: z.string().min(1) }))
  .action(async ({ parsedInput, ctx }) => {
    await revokeInvitation({ workspaceId: ctx.workspace.id, actor: ctx.actor, invitationId: parsedInput.invitationId });
    revalidatePath(`/w/${ctx.workspace.slug}/settings/members`);
  });

// Creates an API token; the plaintext is returned this once.
export const createApiTokenAction = workspaceActionClient
  .metadata({ name: "createApiToken", permission: "token:manage" })
  .inputSchema(ws.extend(createApiTokenSchema.shape))
  .action(async ({ parsedInput, ctx }) => {
    const { token, apiToken } = await createApiToken({
      workspaceId: ctx.workspace.id,
      actor: ctx.actor,
      name: parsedInput.name,
      role: parsedInput.role,
      expiresInDays: parsedInput.expiresInDays,
    });
    revalidatePath(`/w/${ctx.workspace.slug}/settings/tokens`);
    return { token, name: apiToken.name };
  });

// Revokes an API token.
export const revokeApiTokenAction = workspaceActionClient
  .metadata({ name: "revokeApiToken", permission: "token:manage" })
  .inputSchema(ws.extend({ tokenId: z.string().min(1) }))
  .action(async ({ parsedInput, ctx }) => {
    await revokeApiToken({ workspaceId: ctx.workspace.id, actor: ctx.actor, tokenId: parsedInput.tokenId });
    revalidatePath(`/w/${ctx.workspace.slug}/settings/tokens`);
  });

// Creates an inbound trigger or outbound webhook; the secret (and the trigger's URL) are shown once.
export const createWebhookAction = workspaceActionClient
  .metadata({ name: "createWebhook", permission: "webhook:manage" })
  .inputSchema(ws.extend({ webhook: z.record(z.string(), z.unknown()) }))
  .action(async ({ parsedInput, ctx }) => {
    const { webhook, secret } = await createWebhook({
      workspaceId: ctx.workspace.id,
      actor: ctx.actor,
      input: parsedInput.webhook as CreateWebhookInput,
    });
    revalidatePath(`/w/${ctx.workspace.slug}/settings/webhooks`);
    return { name: webhook.name, secret, url: webhook.hookPath ? `${await baseUrl()}${webhook.hookPath}` : null };
  });

// Deletes a webhook; an inbound URL stops working at once.
export const deleteWebhookAction = workspaceActionClient
  .metadata({ name: "deleteWebhook", permission: "webhook:manage" })
  .inputSchema(ws.extend({ id: z.string().min(1) }))
  .action(async ({ parsedInput, ctx }) => {
    await deleteWebhook({ workspaceId: ctx.workspace.id, actor: ctx.actor, id: parsedInput.id });
    revalidatePath(`/w/${ctx.workspace.slug}/settings/webhooks`);
  });

// Sends an outbound delivery again: the same event id and body, as a new delivery with its own attempts.
export const redeliverWebhookAction = workspaceActionClient
  .metadata({ name: "redeliverWebhook", permission: "webhook:manage" })
  .inputSchema(ws.extend({ webhookId: z.string().min(1), deliveryId: z.string().min(1) }))
  .action(async ({ parsedInput, ctx }) => {
    const d = await redeliverWebhookDelivery({
      workspaceId: ctx.workspace.id,
      actor: ctx.actor,
      webhookId: parsedInput.webhookId,
      deliveryId: parsedInput.deliveryId,
    });
    revalidatePath(`/w/${ctx.workspace.slug}/settings/webhooks/${parsedInput.webhookId}`);
    return { id: d.id, sequence: d.sequence };
  });

// Sends a signed webhook.test event to an outbound webhook's URL.
export const sendWebhookTestAction = workspaceActionClient
  .metadata({ name: "sendWebhookTest", permission: "webhook:manage" })
  .inputSchema(ws.extend({ webhookId: z.string().min(1) }))
  .action(async ({ parsedInput, ctx }) => {
    const d = await sendWebhookTestEvent({ workspaceId: ctx.workspace.id, actor: ctx.actor, webhookId: parsedInput.webhookId });
    revalidatePath(`/w/${ctx.workspace.slug}/settings/webhooks/${parsedInput.webhookId}`);
    return { id: d.id, eventId: d.eventId };
  });
