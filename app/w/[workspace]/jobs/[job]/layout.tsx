import type { ReactNode } from "react";
import { getPageContext, orNotFound } from "@/lib/auth/page-context";
import { getJobOrThrow } from "@/lib/jobs/find-jobs";

/**
 * Checks the job exists before the page's loading skeleton streams: a layout renders outside its
 * segment's loading boundary, so a missing job answers a real HTTP 404, not a 200 with a not-found page.
 */
export default async function JobLayout({ params, children }: { params: Promise<{ workspace: string; job: string }>; children: ReactNode }) {
  const { workspace: slug, job: name } = await params;
  const ctx = await getPageContext(slug);
  await orNotFound(getJobOrThrow({ workspaceId: ctx.workspace.id, name }));
  return children;
}
