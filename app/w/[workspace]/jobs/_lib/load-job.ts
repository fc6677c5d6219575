import "server-only";
import { cache } from "react";
import { getPageContext, orNotFound } from "@/lib/auth/page-context";
import { getJobOrThrow } from "@/lib/jobs/find-jobs";
import { JobSnapshotError, readJobSnapshot } from "@/lib/jobs/job-snapshot";

/**
 * A job page's job, read once per request (its layout and its page both need it); a 404 when missing.
 * A stored snapshot that does not parse comes back as `unreadable` (the field and why) for the page
 * to say so, instead of the generic error page (docs/decisions/0031).
 */
export const loadJobForPage = cache(async (slug: string, name: string) => {
  const ctx = await getPageContext(slug);
  const job = await orNotFound(getJobOrThrow({ workspaceId: ctx.workspace.id, name }));
  try {
    readJobSnapshot(job);
    return { ctx, job, unreadable: null };
  } catch (e) {
    if (!(e instanceof JobSnapshotError)) throw e;
    return { ctx, job, unreadable: { field: e.field, reason: e.reason } };
  }
});
