import type { ReactNode } from "react";
import { loadJobForPage } from "../_lib/load-job";

/**
 * Checks the job exists before the page's loading skeleton streams: a layout renders outside its
 * segment's loading boundary, so a missing job answers a real HTTP 404, not a 200 with a not-found
 * page. The page reads the same job from the request's cache.
 */
export default async function JobLayout({
  params,
  children,
}: {
  params: Promise<{ workspace: string; job: string }>;
  children: ReactNode;
}) {
  const { workspace: slug, job: name } = await params;
  await loadJobForPage(slug, name);
  return children;
}
