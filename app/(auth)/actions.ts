"use server";

import { z } from "zod";
import { actionClient, authActionClient } from "@/lib/actions/safe-action";
import { acceptInvitation } from "@/lib/members/accept-invitation";
import { signUp, signUpSchema } from "@/lib/users/sign-up";
import { createWorkspace, createWorkspaceSchema } from "@/lib/workspaces/create-workspace";

// Creates an account; with an invitation token the personal workspace is skipped and the invitation accepted.
export const signUpAction = actionClient
  .metadata({ name: "signUp" })
  .inputSchema(signUpSchema.extend({ invitation: z.string().optional() }))
  .action(async ({ parsedInput }) => {
    const { user, workspace } = await signUp({
      ...parsedInput,
      personalWorkspace: !parsedInput.invitation,
      invitation: parsedInput.invitation || undefined,
    });
    if (parsedInput.invitation) {
      const joined = await acceptInvitation({ token: parsedInput.invitation, userId: user.id });
      return { email: user.email, workspaceSlug: joined.slug };
    }
    return { email: user.email, workspaceSlug: workspace!.slug };
  });

// Accepts an invitation as the signed-in user.
export const acceptInvitationAction = authActionClient
  .metadata({ name: "acceptInvitation" })
  .inputSchema(z.object({ token: z.string().min(1) }))
  .action(async ({ parsedInput, ctx }) => {
    const ws = await acceptInvitation({ token: parsedInput.token, userId: ctx.user.id });
    return { workspaceSlug: ws.slug };
  });

// Creates another workspace owned by the signed-in user.
export const createWorkspaceAction = authActionClient
  .metadata({ name: "createWorkspace" })
  .inputSchema(createWorkspaceSchema)
  .action(async ({ parsedInput, ctx }) => {
    const ws = await createWorkspace({ name: parsedInput.name, ownerUserId: ctx.user.id });
    return { workspaceSlug: ws.slug };
  });
