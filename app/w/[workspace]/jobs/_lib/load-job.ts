import "server-only";
import { cache } from "react";
import { getPageContext, orNotFound } from "@/lib/auth/page-context";
import { getJobOrThrow } from "@/lib/jobs/find-jobs";

/** A job page's job, read once per request (its layout and its page both need it); a 404 when missing. */
export const loadJobForPage = cache(async (slug: string, name: string) => {
  const ctx = await getPageContext(slug);
  return { ctx, job: await orNotFound(getJobOrThrow({ workspaceId: ctx.workspace.id, name })) };
});
